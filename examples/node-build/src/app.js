const greeting = document.querySelector("#greeting");
if (greeting) greeting.textContent = `Built at ${greeting.dataset.builtAt}`;
