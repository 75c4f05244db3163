"""The deck: document parsing and execution, Pandoc and reveal.js, maths typeset at build
time, the helpers a slide calls, figures, the slide check, serving, and browser assets."""
