package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagValueHints are what a flag's value looks like, for the command
// flagTookCampaign writes out; a flag not named here shows its name in
// capitals.
var flagValueHints = map[string]string{"test": "you@example.com"}

// flagTookCampaign is the hint for a command run without its campaign
// file whose text flag took one as its value (`tidings send --test
// campaign.yaml`, the address left out): which flag took it, and the
// command written out with a value in its place; "" when no flag's value
// names a .yaml or .yml file.
func flagTookCampaign(cmd *cobra.Command) string {
	hint := ""
	cmd.Flags().Visit(func(f *pflag.Flag) {
		v := f.Value.String()
		low := strings.ToLower(v)
		if hint != "" || f.Value.Type() != "string" || !strings.HasSuffix(low, ".yaml") && !strings.HasSuffix(low, ".yml") {
			return
		}
		value, ok := flagValueHints[f.Name]
		if !ok {
			value = strings.ToUpper(f.Name)
		}
		hint = fmt.Sprintf("--%s took the campaign file %s as its value: write the flag's own value after it, then the campaign file: %s --%s %s %s", f.Name, v, cmd.CommandPath(), f.Name, value, v)
	})
	return hint
}
