// Served as is by `next dev`; serve.mjs and the test host answer /config.js with the addresses they were given.
window.__VOICEAGENTS__ = { apiUrl: "http://127.0.0.1:7071/api", voiceUrl: "ws://127.0.0.1:7860/ws" };
