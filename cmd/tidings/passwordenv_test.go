package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestPasswordEnvLikeAPassword: a password written where its variable's
// name goes (password_env: Summer2026secret, or $Summer2026secret), which
// passes for a variable's name, is printed by no command: send's error and
// check's note name the setting instead; a name in capitals is still
// named. Both printed the password.
func TestPasswordEnvLikeAPassword(t *testing.T) {
	const pw = "Summer2026secret"
	for _, tc := range []struct{ value, cmd, want string }{
		{pw, "send", "smtp.password_env: the environment variable it names (not shown"},
		{"$" + pw, "check", "smtp.password_env: the $ before the name is dropped"},
		{"TIDINGS_UNSET_PW_4C1", "send", "the environment variable TIDINGS_UNSET_PW_4C1 is empty"},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(25, fmt.Sprintf(`smtp: {host: 127.0.0.1, port: PORT, security: none, username: u@example.com, password_env: %q}`, tc.value)),
			"body.txt": "Hi {{.name}}\n",
			"r.csv":    "email,name\nann@example.com,Ann\n",
		})
		args := []string{tc.cmd, filepath.Join(dir, "c.yaml")}
		if tc.cmd == "send" {
			args = []string{"send", "--yes", args[1]}
		}
		out, errOut, _ := runCLI(t, args...)
		if got := out + errOut; strings.Contains(got, pw) || !strings.Contains(got, tc.want) {
			t.Errorf("%s with password_env %q: want %q and no %q:\n%s", tc.cmd, tc.value, tc.want, pw, got)
		}
	}
}
