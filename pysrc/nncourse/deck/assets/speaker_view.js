// The speaker view (key S) of the deck built without Quarto, filled at once. reveal.js's
// notes plugin shows the notes and the timer only when the view answers "connected", which
// it does once its two previews (the whole deck, loaded twice in frames) have started:
// 4 to 15 s on a busy machine. Here, as soon as the view has set itself up (its preview
// frames created), the plugin hears "connected" from this window (same origin, as the
// plugin requires) and sends the slide's notes; the previews follow when they are ready,
// and their own "connected" re-sends the state (reveal.js adds each listener once).
(function () {
  const NAME = "reveal.js - Notes"; // the window name the notes plugin opens
  const open = window.open.bind(window);

  function connectWhenSetUp(view) {
    const poll = setInterval(() => {
      if (view.closed) return clearInterval(poll);
      let ready = false;
      try {
        ready = !!view.document.querySelector("#current-slide iframe");
      } catch (error) {
        return clearInterval(poll); // not ours to read: leave the plugin to its own handshake
      }
      if (!ready) return;
      clearInterval(poll);
      window.postMessage(JSON.stringify({ namespace: "reveal-notes", type: "connected" }), "*");
    }, 25);
  }

  window.open = function (url, name, features) {
    const view = open(url, name, features);
    if (view && name === NAME) connectWhenSetUp(view);
    return view;
  };
})();
