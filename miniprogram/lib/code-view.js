// What the code view draws, without the platform: the QR on a 2D context
// from the core's module matrix, and the colour and icon of each look.

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

// The colour and icon of each look the wallet's rules give a code
// (web/wallet/code-status.js appearance(): its `kind`), as the web wallet
// draws them: a tick, a warning sign, a cross, a clock, a struck circle.
const LOOKS = {
  green: { colour: 'green', icon: '✓' },
  yellow: { colour: 'yellow', icon: '!' },
  red: { colour: 'red', icon: '✕' },
  expired: { colour: 'grey', icon: '◷' },
  invalid: { colour: 'grey', icon: '⊘' },
};

module.exports = { drawQr, LOOKS };
