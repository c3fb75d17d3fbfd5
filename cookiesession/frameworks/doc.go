// Package frameworks holds only tests: cookiesession's middleware behind
// real gin, echo (v4 and v5), chi and gorilla/mux routers, and WebSocket
// upgrades with coder/websocket and gorilla/websocket, each on a real
// 127.0.0.1 server. It is a separate module, so that those frameworks never become
// requirements of cookiecodec. Run it with
//
//	cd cookiesession/frameworks && go test -race ./...
//
// It builds cookiecodec from this checkout (a replace directive), so after
// a change to cookiecodec's own go.mod run go mod tidy here as well; CI
// fails on a missing go.sum entry otherwise.
package frameworks
