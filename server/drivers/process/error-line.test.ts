import { describe, expect, it } from "vitest";
import { errorLine } from "./error-line";

describe("errorLine", () => {
  it("takes the first line of a Node uncaught exception, not its frames or the version banner", () => {
    const lines = [
      "[eval]:1",
      "function f(){ throw new Error('cannot connect to db: ECONNREFUSED') } f()",
      "              ^",
      "",
      "Error: cannot connect to db: ECONNREFUSED",
      "    at f ([eval]:1:21)",
      "    at [eval]:1:71",
      "    at node:internal/main/eval_string:51:3",
      "",
      "Node.js v20.20.2",
    ];
    expect(errorLine(lines)).toBe("Error: cannot connect to db: ECONNREFUSED");
  });

  it("starts a multi-line message at its first line, and skips the error's properties after the frames", () => {
    const lines = ["starting", "", "TypeError [ERR_INVALID_ARG_TYPE]: bad argument", "  second line of the message", "    at x (/a.js:1:1)", "    at y (/a.js:2:2) {", "  code: 'ERR_INVALID_ARG_TYPE'", "}", "", "Node.js v20.20.2"];
    expect(errorLine(lines)).toBe("TypeError [ERR_INVALID_ARG_TYPE]: bad argument");
  });

  it("without a stack: the last error-looking line (flowctl's `Error:` and ERROR log lines)", () => {
    expect(errorLine(["12:00:00.000 INFO  starting", "Error: load-generator: invalid environment: EVENTS_PER_SECOND: must be a number"])).toBe(
      "Error: load-generator: invalid environment: EVENTS_PER_SECOND: must be a number",
    );
    expect(errorLine(["12:00:00.000 ERROR start failed component=x error=\"listen EADDRINUSE\"", "bye"])).toBe('12:00:00.000 ERROR start failed component=x error="listen EADDRINUSE"');
  });

  it("otherwise the last meaningful line, and nothing for no output", () => {
    expect(errorLine(["python: can't open file 'x.py': [Errno 2] No such file or directory", ""])).toBe("python: can't open file 'x.py': [Errno 2] No such file or directory");
    expect(errorLine([])).toBeUndefined();
    expect(errorLine(["", "Node.js v20.20.2"])).toBeUndefined();
  });
});
