// Package api embeds Switchboard's REST contract, the OpenAPI document that
// the server validates every request against and serves at
// /api/openapi.json.
package api

import _ "embed"

//go:embed openapi.yaml
var spec []byte

// Spec returns the OpenAPI document in YAML.
func Spec() []byte { return spec }
