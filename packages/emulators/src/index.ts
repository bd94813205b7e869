// The emulators are imported by subpath: @techsync/emulators/rescue and @techsync/emulators/graph.
export * as graph from "./graph";
export * as rescue from "./rescue";
