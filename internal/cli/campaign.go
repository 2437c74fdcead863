package cli

import "flag"

// CampaignFlags are the flags that say which campaign `central serve`
// publishes at start.
type CampaignFlags struct {
	File    string // --campaign: a campaign JSON file; "" for the built-in one
	Replace bool   // --campaign-replace: publish it even over a version published from the dashboard
}

// Register adds the flags to fs.
func (c *CampaignFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.File, "campaign", "", "campaign JSON `FILE` to publish instead of the built-in one")
	fs.BoolVar(&c.Replace, "campaign-replace", false, "publish the campaign FILE even over a newer version an operator published from the dashboard")
}
