// Package assets holds the files built into every binary: the default
// campaign content, and in time icons and translations.
package assets

import _ "embed"

// DefaultCampaign is the CDMX 2016 campaign in the JSON format of
// internal/campaign, in Spanish and English. Devices start with it until
// central publishes a newer version.
//
//go:embed campaign/cdmx-2016.json
var DefaultCampaign []byte
