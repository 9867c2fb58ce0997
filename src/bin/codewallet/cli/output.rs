//! Small output formats written by hand: JSON strings, link fragments, PNG QR codes.

use codewallet::QrMatrix;

/// Appends `text` as a JSON string, quotes included (RFC 8259 section 7).
pub fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON object written field by field, keys in the order given.
pub struct JsonObject {
    text: String,
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        JsonObject {
            text: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.text.len() > 1 {
            self.text.push_str(", ");
        }
        push_json_string(&mut self.text, key);
        self.text.push_str(": ");
    }

    /// Adds a string field.
    pub fn string(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_json_string(&mut self.text, value);
        self
    }

    /// Adds a string field, or `null`.
    pub fn string_or_null(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// Adds a field whose value is already JSON: a number, `true`, `null`, an object.
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.text.push_str(json);
        self
    }

    /// The finished object.
    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

/// Percent-encodes `text` for a URL fragment: everything outside `[A-Za-z0-9-._~:]`
/// becomes `%XX` (like JavaScript's `encodeURIComponent`, but keeping `:`
/// so the `CW1:` prefix stays readable).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Pixels per QR module in PNG output: sharp on paper at 300 dpi and on phone screens.
pub const PNG_MODULE_PIXELS: usize = 8;

/// A black-on-white 1-bit greyscale PNG of `qr`, quiet zone included.
///
/// # Errors
/// The PNG encoder's message (only for an impossible image size).
pub fn qr_png(qr: &QrMatrix) -> Result<Vec<u8>, String> {
    let side = qr.size * PNG_MODULE_PIXELS;
    // With 8 pixels per module at 1 bit per pixel, one module is exactly one byte.
    let mut data = Vec::with_capacity(side * qr.size);
    for y in 0..qr.size {
        let mut row = Vec::with_capacity(qr.size);
        for x in 0..qr.size {
            row.push(if qr.is_dark(x, y) { 0x00 } else { 0xff });
        }
        for _ in 0..PNG_MODULE_PIXELS {
            data.extend_from_slice(&row);
        }
    }
    let side = u32::try_from(side).map_err(|_| "QR code too large for a PNG".to_string())?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let written = encoder.write_header().and_then(|mut writer| {
        writer.write_image_data(&data)?;
        writer.finish()
    });
    written.map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_json_strings() {
        let check = |text: &str, expected: &str| {
            let mut out = String::new();
            push_json_string(&mut out, text);
            assert_eq!(out, expected);
            assert_eq!(
                serde_json::from_str::<String>(&out).ok().as_deref(),
                Some(text)
            );
        };
        check("张*丰", "\"张*丰\"");
        check("a\"b\\c", "\"a\\\"b\\\\c\"");
        check("tab\there\nnl", "\"tab\\there\\nnl\"");
        check("\u{1}\u{1f}", "\"\\u0001\\u001f\"");
        check("", "\"\"");
    }

    #[test]
    fn builds_objects_in_key_order() {
        let inner = JsonObject::new().raw("n", "1").finish();
        let text = JsonObject::new()
            .string("b", "x\"y")
            .string_or_null("a", None)
            .raw("c", &inner)
            .finish();
        assert_eq!(text, r#"{"b": "x\"y", "a": null, "c": {"n": 1}}"#);
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        assert_eq!(JsonObject::new().finish(), "{}");
    }

    #[test]
    fn percent_encodes_all_but_unreserved_and_colon() {
        assert_eq!(
            percent_encode("CW1:AB C$%*+/.-_~"),
            "CW1:AB%20C%24%25%2A%2B%2F.-_~"
        );
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}
