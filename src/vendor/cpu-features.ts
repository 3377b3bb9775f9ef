// What `require("cpu-features")` gets inside the binary (tsconfig.json `paths`): ssh2 asks for that optional native
// addon in a try/catch and, without it, keeps its default cipher order. Left external, Bun would resolve it at run
// time from the working directory up: listing every directory on the way (13 ms under an 8000-entry /tmp) and
// loading a node_modules/cpu-features found there, so a directory could run code inside ftl2.
throw new Error("cpu-features is not part of ftl2");
