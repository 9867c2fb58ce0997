//! The JavaScript boundary: the only module that names `wasm_bindgen` or `JsValue`.
//!
//! It converts between JavaScript values and the core's types and makes no
//! decisions. Nothing here touches the DOM, so the same module runs in a page,
//! a worker, Node, or a mini-program's WebAssembly runtime. Errors reach
//! JavaScript as `Error` objects with a stable `code` property and a message.
//! Times cross the boundary as seconds since the Unix epoch (`Date.now() / 1000`).

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::verify::{Failure, Policy, Verdict, Warning, check_time, trust_status};
use crate::wallet::{Storage, StorageError, Wallet};
use crate::{Credential, PublicKey, QrMatrix, TrustList, credential, hex};

/// A JavaScript `Error` with a `code` property.
fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// Conversion of the views below to plain JavaScript objects, written out by
/// hand: a generic serializer (serde) costs more wasm than the whole boundary.
trait ToJs {
    fn to_js_value(&self) -> JsValue;
}

/// A plain object built field by field.
struct Obj(js_sys::Object);

impl Obj {
    fn new() -> Obj {
        Obj(js_sys::Object::new())
    }

    fn set(self, key: &str, value: impl Into<JsValue>) -> Obj {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &key.into(), &value.into());
        self
    }

    fn done(self) -> JsValue {
        self.0.into()
    }
}

/// Seconds and counts as JavaScript numbers (exact below 2^53).
fn num(n: u64) -> JsValue {
    JsValue::from(n as f64)
}

fn opt_str(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from)
}

impl<T: ToJs> ToJs for Vec<T> {
    fn to_js_value(&self) -> JsValue {
        self.iter()
            .map(ToJs::to_js_value)
            .collect::<js_sys::Array>()
            .into()
    }
}

fn seconds(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// The claims of a credential as JavaScript sees them.
struct CredentialView {
    issuer: String,
    id: String,
    issued_at: u64,
    not_before: u64,
    expires_at: u64,
    status: &'static str,
    decided_at: u64,
    display_name: String,
    has_holder_key: bool,
}

impl From<&Credential> for CredentialView {
    fn from(c: &Credential) -> Self {
        CredentialView {
            issuer: c.issuer.clone(),
            id: c.id.to_string(),
            issued_at: c.issued_at,
            not_before: c.not_before,
            expires_at: c.expires_at,
            status: c.status.name(),
            decided_at: c.decided_at,
            display_name: c.display_name.clone(),
            has_holder_key: c.holder_key.is_some(),
        }
    }
}

/// A warning: `{code, message, seconds}`; `seconds` is the trust list's age
/// for `trust_list_stale`, how far behind for `clock_behind`, else `null`.
struct Notice {
    code: &'static str,
    message: String,
    seconds: Option<u64>,
}

impl From<&Warning> for Notice {
    fn from(w: &Warning) -> Self {
        Notice {
            code: w.code(),
            message: w.to_string(),
            seconds: match *w {
                Warning::TrustListStale { age } => Some(age),
                Warning::ClockBehind { by } => Some(by),
                _ => None,
            },
        }
    }
}

/// How long ago or until, for the failures that have one.
fn failure_seconds(failure: Option<&Failure>) -> Option<u64> {
    match failure {
        Some(Failure::Expired { ago }) => Some(*ago),
        Some(Failure::NotYetValid { in_secs }) => Some(*in_secs),
        _ => None,
    }
}

/// A verdict: `{valid, decision, code, reason, seconds, issuer, warnings, credential}`.
struct VerdictView {
    valid: bool,
    /// `pass`, `check` or `refuse`: what the headline says.
    decision: &'static str,
    /// Failure code, `null` when valid.
    code: Option<&'static str>,
    /// The failure in plain English, `null` when valid (pages translate by `code`).
    reason: Option<String>,
    /// For `expired` and `not_yet_valid`: how many seconds ago or until.
    seconds: Option<u64>,
    /// The trust list's name of the key that signed, `null` when unverified.
    issuer: Option<String>,
    warnings: Vec<Notice>,
    credential: Option<CredentialView>,
}

impl From<&Verdict> for VerdictView {
    fn from(v: &Verdict) -> Self {
        VerdictView {
            valid: v.is_valid(),
            decision: v.decision().code(),
            code: v.failure.as_ref().map(Failure::code),
            reason: v.failure.as_ref().map(Failure::to_string),
            seconds: failure_seconds(v.failure.as_ref()),
            issuer: v.signed_by.clone(),
            warnings: v.warnings.iter().map(Notice::from).collect(),
            credential: v.credential.as_ref().map(CredentialView::from),
        }
    }
}

/// Verification policy from JavaScript: `{staleAfter, refuseExpiredTrustList,
/// clockTolerance}`; missing (or `null`) fields keep their defaults.
struct PolicyInput;

impl PolicyInput {
    fn from_js(value: JsValue) -> Result<Policy, JsValue> {
        let mut policy = Policy::default();
        if value.is_undefined() || value.is_null() {
            return Ok(policy);
        }
        if !value.is_object() {
            return Err(js_error("bad_policy", "the policy must be an object"));
        }
        let field = |name: &str| {
            Reflect::get(&value, &name.into())
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let secs = |name: &str| -> Result<Option<u64>, JsValue> {
            match field(name) {
                None => Ok(None),
                Some(v) => match v.as_f64() {
                    Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => Ok(Some(n as u64)),
                    _ => Err(js_error(
                        "bad_policy",
                        &format!("{name} must be a whole number of seconds"),
                    )),
                },
            }
        };
        if let Some(n) = secs("staleAfter")? {
            policy.stale_after = n;
        }
        if let Some(n) = secs("clockTolerance")? {
            policy.clock_tolerance = n;
        }
        if let Some(v) = field("refuseExpiredTrustList") {
            policy.refuse_expired_trust_list = v.as_bool().ok_or_else(|| {
                js_error("bad_policy", "refuseExpiredTrustList must be true or false")
            })?;
        }
        Ok(policy)
    }
}

/// A trust list whose root signature has been checked.
#[wasm_bindgen(js_name = TrustList)]
pub struct JsTrustList(TrustList);

#[wasm_bindgen(js_class = TrustList)]
impl JsTrustList {
    /// Opens a published trust list (binary, or `CWL1:` text as bytes) with the
    /// pinned root public key (64 hex digits).
    ///
    /// # Errors
    /// `code`: `bad_root_key`, `malformed`, `wrong_root` or `invalid_signature`.
    #[wasm_bindgen(constructor)]
    pub fn open(published: &[u8], root_public_key_hex: &str) -> Result<JsTrustList, JsValue> {
        let root = root_key(root_public_key_hex)?;
        TrustList::open(published, &root)
            .map(JsTrustList)
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }

    /// Increases with every list published.
    #[wasm_bindgen(getter)]
    pub fn sequence(&self) -> f64 {
        self.0.sequence as f64
    }

    /// When the list was signed (Unix seconds).
    #[wasm_bindgen(getter, js_name = issuedAt)]
    pub fn issued_at(&self) -> f64 {
        self.0.issued_at as f64
    }

    /// When the list expires (Unix seconds).
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.0.expires_at as f64
    }

    /// The issuers' names.
    #[wasm_bindgen(getter, js_name = issuerNames)]
    pub fn issuer_names(&self) -> Vec<String> {
        self.0.issuers.iter().map(|e| e.name.clone()).collect()
    }

    /// How many credential ids are revoked.
    #[wasm_bindgen(getter, js_name = revokedCount)]
    pub fn revoked_count(&self) -> usize {
        self.0.revoked().len()
    }

    /// Whether `offered` may be used in place of this list: `'newer'` (use
    /// it) or `'same'` (nothing to do).
    ///
    /// # Errors
    /// `code`: `rollback` (a lower sequence), `sequence_reused` (the same
    /// sequence, a different list), `wrong_root`.
    #[wasm_bindgen(js_name = checkSuccessor)]
    pub fn check_successor(&self, offered: &JsTrustList) -> Result<String, JsValue> {
        self.0
            .check_successor(&offered.0)
            .map(|s| s.code().to_owned())
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }

    /// The list's state at `now` under an optional policy:
    /// `{age, clockBefore, expired, expiredFor, stale}` (seconds and booleans),
    /// by the rules `verify` warns with.
    ///
    /// # Errors
    /// `code`: `bad_policy`.
    pub fn status(&self, now: f64, policy: JsValue) -> Result<JsValue, JsValue> {
        let policy = PolicyInput::from_js(policy)?;
        let s = trust_status(&self.0, seconds(now), &policy);
        Ok(Obj::new()
            .set("age", num(s.age))
            .set("clockBefore", s.clock_before)
            .set("expired", s.expired)
            .set("expiredFor", num(s.expired_for))
            .set("stale", s.stale)
            .done())
    }

    /// Verifies credential text at `now` (Unix seconds) under an optional policy
    /// `{staleAfter, refuseExpiredTrustList, clockTolerance}` (seconds). Returns
    /// `{valid, code, reason, seconds, warnings: [{code, message}], credential}`;
    /// `credential` is set whenever the signature verified.
    ///
    /// # Errors
    /// `code`: `bad_policy`, for a policy object of the wrong shape.
    pub fn verify(&self, text: &str, now: f64, policy: JsValue) -> Result<JsValue, JsValue> {
        let policy = PolicyInput::from_js(policy)?;
        Ok(VerdictView::from(&crate::verify(text, &self.0, seconds(now), &policy)).to_js_value())
    }
}

/// The pinned root key from its 64 hex digits.
fn root_key(hex_text: &str) -> Result<PublicKey, JsValue> {
    hex::decode_array::<32>(hex_text.trim())
        .and_then(|bytes| PublicKey::from_bytes(&bytes).ok())
        .ok_or_else(|| {
            js_error(
                "bad_root_key",
                "the pinned root key is not a valid Ed25519 public key",
            )
        })
}

/// Opens an upload grant (binary, or `CWG1:` text as bytes) with the pinned
/// root key: `{station, endpoint, prefix, maxBytes, issuedAt, expiresAt,
/// fields: [[name, value]]}`. In the checkpoint's module only (the one with
/// the reader): the wallet's first load does not carry it.
///
/// # Errors
/// `code`: `bad_root_key`, `malformed`, `wrong_root` or `invalid_signature`.
#[cfg(feature = "checkpoint")]
#[wasm_bindgen(js_name = openGrant)]
pub fn open_grant(published: &[u8], root_public_key_hex: &str) -> Result<JsValue, JsValue> {
    let root = root_key(root_public_key_hex)?;
    let g = crate::UploadGrant::open(published, &root)
        .map_err(|e| js_error(e.code(), &e.to_string()))?;
    let fields: js_sys::Array = g
        .fields
        .iter()
        .map(|(name, value)| js_sys::Array::of2(&name.as_str().into(), &value.as_str().into()))
        .collect();
    Ok(Obj::new()
        .set("station", g.station.as_str())
        .set("endpoint", g.endpoint.as_str())
        .set("prefix", g.prefix.as_str())
        .set("maxBytes", num(g.max_bytes))
        .set("issuedAt", num(g.issued_at))
        .set("expiresAt", num(g.expires_at))
        .set("fields", fields)
        .done())
}

/// Renders text as an SVG QR code (error correction Q, quiet zone included).
///
/// # Errors
/// `code`: `too_long`.
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(text: &str) -> Result<String, JsValue> {
    Ok(qr_matrix_of(text)?.to_svg())
}

/// The QR module matrix for a canvas: `{version, size, modules}`, where
/// `modules` is a `Uint8Array` of `size * size` bytes, 1 for dark, row by row.
///
/// # Errors
/// `code`: `too_long`.
#[wasm_bindgen(js_name = qrMatrix)]
pub fn qr_matrix(text: &str) -> Result<JsValue, JsValue> {
    let qr = qr_matrix_of(text)?;
    let modules: Vec<u8> = qr.modules.iter().map(|&dark| u8::from(dark)).collect();
    Ok(Obj::new()
        .set("version", qr.version)
        .set("size", qr.size as u32)
        .set("modules", Uint8Array::from(&modules[..]))
        .done())
}

fn qr_matrix_of(text: &str) -> Result<QrMatrix, JsValue> {
    QrMatrix::encode(text).map_err(|e| js_error("too_long", &e.to_string()))
}

/// Decodes credential text without verifying it: the claims, for showing a
/// stored code when no trust list is at hand.
///
/// # Errors
/// The decode error's `code` (`prefix`, `base45`, `cbor`, …).
#[wasm_bindgen(js_name = decodeCredential)]
pub fn decode_credential(text: &str) -> Result<JsValue, JsValue> {
    let decoded = credential::decode(text).map_err(|e| js_error(e.code(), &e.to_string()))?;
    Ok(CredentialView::from(&decoded.credential).to_js_value())
}

/// The time rule alone, for a stored code when no trust list is at hand:
/// `null` inside the validity window (clock tolerance included), else
/// `{code: 'expired' | 'not_yet_valid', seconds}`.
///
/// # Errors
/// The decode error's `code` if the text is not a credential; `bad_policy`.
#[wasm_bindgen(js_name = checkTime)]
pub fn check_time_of(text: &str, now: f64, policy: JsValue) -> Result<JsValue, JsValue> {
    let policy = PolicyInput::from_js(policy)?;
    let c = credential::decode(text)
        .map_err(|e| js_error(e.code(), &e.to_string()))?
        .credential;
    Ok(match check_time(&c, seconds(now), &policy) {
        None => JsValue::NULL,
        Some(failure) => Obj::new()
            .set("code", failure.code())
            .set(
                "seconds",
                failure_seconds(Some(&failure)).map_or(JsValue::NULL, num),
            )
            .done(),
    })
}

/// Whether an ID-document number typed by staff matches the credential's binding.
///
/// # Errors
/// The decode error's `code` if the text is not a credential.
#[wasm_bindgen(js_name = idNumberMatches)]
pub fn id_number_matches(text: &str, number: &str) -> Result<bool, JsValue> {
    let c = credential::decode(text)
        .map_err(|e| js_error(e.code(), &e.to_string()))?
        .credential;
    Ok(c.id_binding.matches(&c.id, number))
}

/// Every code the core can return that a front end shows, by kind:
/// `{verdict, warning, wallet, scan, status}` (arrays of strings; `scan` is
/// empty in the module without the reader). Front ends test their messages
/// against it.
#[wasm_bindgen(js_name = messageCodes)]
pub fn message_codes() -> Result<JsValue, JsValue> {
    #[cfg(feature = "reader")]
    let scan = crate::scan::ScanError::CODES;
    #[cfg(not(feature = "reader"))]
    let scan: &[&str] = &[];
    let statuses = credential::Status::ALL.map(credential::Status::name);
    let kinds = [
        ("verdict", Failure::CODES),
        ("warning", Warning::CODES),
        ("wallet", crate::wallet::WalletError::CODES),
        ("scan", scan),
        ("status", &statuses[..]),
    ];
    let out = js_sys::Object::new();
    for (kind, codes) in kinds {
        let list: js_sys::Array = codes.iter().map(|c| JsValue::from_str(c)).collect();
        Reflect::set(&out, &JsValue::from_str(kind), &list)?;
    }
    Ok(out.into())
}

/// Reads QR codes from RGBA pixels (as from `ImageData`); returns their texts.
///
/// # Errors
/// `code`: `bad_dimensions`, `too_large`, `not_found` or `unreadable`.
#[cfg(feature = "reader")]
#[wasm_bindgen(js_name = scanRgba)]
pub fn scan_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<String>, JsValue> {
    use crate::scan;
    let scan_error = |e: scan::ScanError| js_error(e.code(), &e.to_string());
    if (width as usize).saturating_mul(height as usize) > scan::MAX_PIXELS {
        return Err(scan_error(scan::ScanError::TooLarge {
            pixels: (width as usize).saturating_mul(height as usize),
        }));
    }
    let luma = scan::luma_from_rgba(rgba).map_err(scan_error)?;
    scan::decode_luma(width as usize, height as usize, &luma).map_err(scan_error)
}

/// Storage given by JavaScript: any object with `getItem(key)` and
/// `setItem(key, value)`, such as `localStorage`.
struct JsStorage(JsValue);

impl JsStorage {
    fn method(&self, name: &str) -> Result<Function, StorageError> {
        Reflect::get(&self.0, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| StorageError::Unavailable(format!("storage has no {name}()")))
    }
}

fn storage_error(thrown: JsValue) -> StorageError {
    let name = Reflect::get(&thrown, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
        StorageError::QuotaExceeded
    } else {
        let message = Reflect::get(&thrown, &"message".into())
            .ok()
            .and_then(|m| m.as_string());
        StorageError::Unavailable(message.unwrap_or(name))
    }
}

impl Storage for JsStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let value = self
            .method("getItem")?
            .call1(&self.0, &key.into())
            .map_err(storage_error)?;
        Ok(value.as_string())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        self.method("setItem")?
            .call2(&self.0, &key.into(), &value.into())
            .map_err(storage_error)?;
        Ok(())
    }
}

/// The credentials on this device, kept in the given storage.
#[wasm_bindgen(js_name = Wallet)]
pub struct JsWallet {
    wallet: Wallet,
    storage: JsStorage,
    load_problem: JsValue,
}

struct LoadProblemView {
    skipped: usize,
    reason: String,
    backup_key: Option<String>,
}

struct EntryView<'a> {
    label: &'a str,
    text: &'a str,
    credential: CredentialView,
}

#[wasm_bindgen(js_class = Wallet)]
impl JsWallet {
    /// Loads the wallet from `storage` (an object with `getItem`/`setItem`).
    /// A damaged store is kept under a backup key and reported by `loadProblem`.
    ///
    /// # Errors
    /// `code`: `storage_unavailable`.
    #[wasm_bindgen(constructor)]
    pub fn load(storage: JsValue) -> Result<JsWallet, JsValue> {
        let mut storage = JsStorage(storage);
        let (wallet, problem) = Wallet::load(&mut storage)
            .map_err(|e| js_error("storage_unavailable", &e.to_string()))?;
        let load_problem = match problem {
            None => JsValue::NULL,
            Some(p) => LoadProblemView {
                skipped: p.skipped,
                reason: p.reason,
                backup_key: p.backup_key,
            }
            .to_js_value(),
        };
        Ok(JsWallet {
            wallet,
            storage,
            load_problem,
        })
    }

    /// `null`, or `{skipped, reason, backedUp, backupKey}` when the store could
    /// not be read whole (`backupKey`: where the original was copied, or `null`).
    #[wasm_bindgen(getter, js_name = loadProblem)]
    pub fn load_problem(&self) -> JsValue {
        self.load_problem.clone()
    }

    /// The entries in order: `[{label, text, credential}]`.
    pub fn entries(&self) -> JsValue {
        let views: Vec<EntryView> = self
            .wallet
            .entries()
            .iter()
            .map(|e| EntryView {
                label: &e.label,
                text: &e.text,
                credential: CredentialView::from(&e.credential),
            })
            .collect();
        views.to_js_value()
    }

    /// Verifies `text` against `trust` at `now` and adds it under `label`.
    ///
    /// # Errors
    /// `code`: a verdict failure code (`expired`, `revoked`, `invalid_signature`, …),
    /// `duplicate`, `wallet_full`, `bad_label`, `quota_exceeded`, `storage_unavailable`.
    /// When another page changed the store meanwhile, the import is added to
    /// what the store holds now.
    pub fn import(
        &mut self,
        label: &str,
        text: &str,
        trust: &JsTrustList,
        now: f64,
    ) -> Result<(), JsValue> {
        self.wallet
            .import(
                &mut self.storage,
                label,
                text,
                &trust.0,
                seconds(now),
                &Policy::default(),
            )
            .map(drop)
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }

    /// Puts a newer credential in place of entry `index`, keeping its label
    /// and place, in one write (also when the wallet is full).
    ///
    /// # Errors
    /// `code`: a verdict failure code, `not_a_refresh` (not newer, or another
    /// issuer or name), `duplicate`, `no_such_entry`, `changed_elsewhere`,
    /// `quota_exceeded`, `storage_unavailable`.
    pub fn replace(
        &mut self,
        index: usize,
        text: &str,
        trust: &JsTrustList,
        now: f64,
    ) -> Result<(), JsValue> {
        self.wallet
            .replace(
                &mut self.storage,
                index,
                text,
                &trust.0,
                seconds(now),
                &Policy::default(),
            )
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }

    /// Renames entry `index`.
    ///
    /// # Errors
    /// `code`: `bad_label`, `no_such_entry`, `changed_elsewhere`, `quota_exceeded`,
    /// `storage_unavailable`.
    pub fn rename(&mut self, index: usize, label: &str) -> Result<(), JsValue> {
        self.wallet
            .rename(&mut self.storage, index, label)
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }

    /// Moves entry `from` to position `to`.
    ///
    /// # Errors
    /// `code`: `no_such_entry`, `changed_elsewhere`, `quota_exceeded`, `storage_unavailable`.
    #[wasm_bindgen(js_name = moveEntry)]
    pub fn move_entry(&mut self, from: usize, to: usize) -> Result<(), JsValue> {
        self.wallet
            .move_entry(&mut self.storage, from, to)
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }

    /// Removes entry `index`.
    ///
    /// # Errors
    /// `code`: `no_such_entry`, `changed_elsewhere`, `quota_exceeded`, `storage_unavailable`.
    pub fn remove(&mut self, index: usize) -> Result<(), JsValue> {
        self.wallet
            .remove(&mut self.storage, index)
            .map_err(|e| js_error(e.code(), &e.to_string()))
    }
}

impl ToJs for CredentialView {
    fn to_js_value(&self) -> JsValue {
        Obj::new()
            .set("issuer", self.issuer.as_str())
            .set("id", self.id.as_str())
            .set("issuedAt", num(self.issued_at))
            .set("notBefore", num(self.not_before))
            .set("expiresAt", num(self.expires_at))
            .set("status", self.status)
            .set("decidedAt", num(self.decided_at))
            .set("displayName", self.display_name.as_str())
            .set("hasHolderKey", self.has_holder_key)
            .done()
    }
}

impl ToJs for Notice {
    fn to_js_value(&self) -> JsValue {
        Obj::new()
            .set("code", self.code)
            .set("message", self.message.as_str())
            .set("seconds", self.seconds.map_or(JsValue::NULL, num))
            .done()
    }
}

impl ToJs for VerdictView {
    fn to_js_value(&self) -> JsValue {
        Obj::new()
            .set("valid", self.valid)
            .set("decision", self.decision)
            .set("code", opt_str(self.code))
            .set("reason", opt_str(self.reason.as_deref()))
            .set("seconds", self.seconds.map_or(JsValue::NULL, num))
            .set("issuer", opt_str(self.issuer.as_deref()))
            .set("warnings", self.warnings.to_js_value())
            .set(
                "credential",
                self.credential
                    .as_ref()
                    .map_or(JsValue::NULL, ToJs::to_js_value),
            )
            .done()
    }
}

impl ToJs for LoadProblemView {
    fn to_js_value(&self) -> JsValue {
        Obj::new()
            .set("skipped", num(self.skipped as u64))
            .set("reason", self.reason.as_str())
            .set("backedUp", self.backup_key.is_some())
            .set("backupKey", opt_str(self.backup_key.as_deref()))
            .done()
    }
}

impl ToJs for EntryView<'_> {
    fn to_js_value(&self) -> JsValue {
        Obj::new()
            .set("label", self.label)
            .set("text", self.text)
            .set("credential", self.credential.to_js_value())
            .done()
    }
}
