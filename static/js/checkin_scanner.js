// Camera QR decoding for 签到: zxing-wasm (self-hosted .wasm) first, jsQR as the fallback.
// new CheckinScanner(videoEl, onCode, onState).start() — onCode(text) for every decoded frame (debounce in caller).
(function () {
  let zxingReady = null;

  function prepareZXing(wasmDir) {
    if (zxingReady !== null) return zxingReady;
    if (typeof ZXingWASM === 'undefined' || typeof WebAssembly === 'undefined') { zxingReady = Promise.resolve(false); return zxingReady; }
    try {
      ZXingWASM.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmDir + path : prefix + path) },
      });
      zxingReady = Promise.resolve(true);
    } catch (e) { zxingReady = Promise.resolve(false); }
    return zxingReady;
  }

  class CheckinScanner {
    constructor(video, onCode, onState, wasmDir) {
      this.video = video; this.onCode = onCode; this.onState = onState || (() => {});
      this.wasmDir = wasmDir || '/static/vendor/zxing-wasm/';
      this.canvas = document.createElement('canvas');
      this.ctx = this.canvas.getContext('2d', { willReadFrequently: true });
      this.running = false; this.useZXing = true; this.stream = null; this.decoder = '';
    }

    async start() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        this.onState('本设备或浏览器不支持摄像头（需要 HTTPS）'); return false;
      }
      this.useZXing = await prepareZXing(this.wasmDir);
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (e) {
        this.onState('无法打开摄像头：' + (e && e.name === 'NotAllowedError' ? '未授权' : (e && e.message) || e)); return false;
      }
      this.video.srcObject = this.stream;
      this.video.classList.remove('d-none');
      await this.video.play().catch(() => {});
      this.running = true;
      this.onState('摄像头已开启，请将二维码对准画面');
      this.loop();
      return true;
    }

    stop() {
      this.running = false;
      if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
      this.video.classList.add('d-none');
      this.onState('摄像头已关闭');
    }

    async decode(imageData) {
      if (this.useZXing) {
        try {
          const results = await ZXingWASM.readBarcodes(imageData, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
          this.decoder = 'zxing-wasm';
          return results.length && results[0].isValid !== false ? results[0].text : null;
        } catch (e) {
          this.useZXing = false;  // wasm failed to load or run: fall back for good
        }
      }
      if (typeof jsQR !== 'undefined') {
        const r = jsQR(imageData.data, imageData.width, imageData.height, { inversionAttempts: 'dontInvert' });
        this.decoder = 'jsQR';
        return r ? r.data : null;
      }
      return null;
    }

    async loop() {
      while (this.running) {
        const v = this.video;
        if (v.readyState >= 2 && v.videoWidth) {
          const scale = Math.min(1, 800 / Math.max(v.videoWidth, v.videoHeight));
          const w = Math.round(v.videoWidth * scale), h = Math.round(v.videoHeight * scale);
          if (this.canvas.width !== w) { this.canvas.width = w; this.canvas.height = h; }
          this.ctx.drawImage(v, 0, 0, w, h);
          const text = await this.decode(this.ctx.getImageData(0, 0, w, h));
          if (text) this.onCode(text);
        }
        await new Promise((r) => setTimeout(r, 120));
      }
    }
  }

  // Short beeps through WebAudio: high = success, double = already, low = refused.
  let audioCtx = null;
  function beep(kind) {
    try {
      audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
      const tones = { green: [[1046, 0.12]], amber: [[660, 0.1], [660, 0.1]], red: [[220, 0.35]] }[kind] || [[440, 0.1]];
      let t = audioCtx.currentTime;
      tones.forEach(([freq, dur]) => {
        const osc = audioCtx.createOscillator(), gain = audioCtx.createGain();
        osc.frequency.value = freq; osc.type = kind === 'red' ? 'square' : 'sine';
        gain.gain.setValueAtTime(0.25, t); gain.gain.exponentialRampToValueAtTime(0.001, t + dur);
        osc.connect(gain); gain.connect(audioCtx.destination); osc.start(t); osc.stop(t + dur);
        t += dur + 0.06;
      });
    } catch (e) { /* no audio: the colour still shows */ }
  }

  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16); (window.crypto || {}).getRandomValues ? crypto.getRandomValues(b) : b.forEach((_, i) => { b[i] = Math.random() * 256; });
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  window.CheckinScanner = CheckinScanner;
  window.checkinBeep = beep;
  window.checkinNonce = newNonce;
})();
