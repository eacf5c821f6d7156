//go:build js && wasm

package participation

// deliveryEvents is empty in the browser's module: no integration
// delivers from it, so its journal never holds a delivery, a failure, a
// dead letter or a requeue (see outbox_delivery.go).
func deliveryEvents() []EventType { return nil }
