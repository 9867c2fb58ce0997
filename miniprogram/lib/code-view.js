// What the code view shows, worked out without the platform: the QR drawn on
// a 2D context from the core's module matrix, and the status in words, colour
// and icon.

// Draws the core's `matrix` ({size, modules}: 1 for dark, row by row, its
// 4-module quiet zone included) centred on a width × height context, whole
// device pixels a module, on white. Returns {moduleSize, left, top} or throws
// {code: 'too_small'}.
function drawQr(ctx, matrix, width, height) {
  const { size, modules } = matrix;
  const moduleSize = Math.floor(Math.min(width, height) / size);
  if (moduleSize < 1) {
    const error = new Error(`a ${size}-module code does not fit ${width}×${height} pixels`);
    error.code = 'too_small';
    throw error;
  }
  const left = Math.floor((width - moduleSize * size) / 2);
  const top = Math.floor((height - moduleSize * size) / 2);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  // One rectangle per run of dark modules in a row.
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!modules[y * size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && modules[y * size + x]) x++;
      ctx.fillRect(left + start * moduleSize, top + y * moduleSize, (x - start) * moduleSize, moduleSize);
    }
  }
  return { moduleSize, left, top };
}

// The status to show: the time rule first (an expired code is not green),
// then the credential's colour. `timeProblem` is checkTime's answer.
function statusOf(credential, timeProblem) {
  if (timeProblem && timeProblem.code === 'expired') return { key: 'expired', colour: 'grey', icon: '✕' };
  if (timeProblem && timeProblem.code === 'not_yet_valid') return { key: 'not_yet_valid', colour: 'grey', icon: '…' };
  const icons = { green: '✓', yellow: '!', red: '✕' };
  const status = credential.status;
  if (!icons[status]) return { key: 'invalid', colour: 'grey', icon: '✕' };
  return { key: status, colour: status, icon: icons[status] };
}

// Local date and time, YYYY-MM-DD HH:MM (the same in every language).
function dateTime(seconds) {
  const d = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

module.exports = { drawQr, statusOf, dateTime };
