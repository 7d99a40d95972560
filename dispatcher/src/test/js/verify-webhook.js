// Verifies one captured webhook request with the official Standard Webhooks library, exactly as
// a receiver would. Input (stdin, JSON): {"secret", "raw", "headers", "body", "receivedAfterSeconds"}.
//   raw: true for a legacy (non-whsec_) secret, used as a raw key.
//   receivedAfterSeconds: how long after it was sent the request is checked (the library's clock is
//   moved forward by that much), to test the timestamp tolerance.
// Output (stdout, JSON): {"verified": true} or {"verified": false, "error": "<the library's message>"}.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const realNow = Date.now;
  Date.now = () => realNow() + (request.receivedAfterSeconds || 0) * 1000;
  try {
    const webhook = request.raw ? new Webhook(request.secret, { format: "raw" }) : new Webhook(request.secret);
    webhook.verify(request.body, request.headers);
    console.log(JSON.stringify({ verified: true }));
  } catch (e) {
    console.log(JSON.stringify({ verified: false, error: String(e && e.message) }));
  }
});
