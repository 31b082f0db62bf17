package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// newTemplatesTopic is the "templates" help topic: templates.Help, printed
// as it is by `tidings help templates` (and `tidings templates`). It has
// no Run, so cobra lists it under "Additional help topics".
func newTemplatesTopic() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "Writing templates: values, column names, functions",
		Long:  templates.Help,
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprint(c.OutOrStdout(), templates.Help)
	})
	return cmd
}

// newHelpCommand is tidings' help command. It shows the help of a command
// (tidings help send) or a topic (tidings help templates) as cobra's own
// does, but a name that is neither is an error that lists what there is
// (exit code 2), where cobra prints the usage and exits 0.
func newHelpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND | TOPIC]",
		Short: "Help about any command, or a topic (tidings help templates)",
		Long: `help prints the help of a command (tidings help send) or of a topic
(tidings help templates); with no argument, the list of commands and topics.`,
		ValidArgsFunction: completeHelp,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHelp(cmd.Root(), args)
		},
	}
}

// runHelp prints the help of the command or topic args name under root.
func runHelp(root *cobra.Command, args []string) error {
	target, rest, err := root.Find(args)
	if err != nil || len(rest) > 0 {
		return unknownTopic(root, strings.Join(args, " "))
	}
	target.InitDefaultHelpFlag()
	target.InitDefaultVersionFlag()
	return target.Help()
}

// unknownTopic is the error for help about name, which is neither a
// command nor a topic: it lists both and suggests the closest.
func unknownTopic(root *cobra.Command, name string) error {
	commands, topics := helpNames(root)
	hint := ""
	if near := campaign.Closest(name, append(commands, topics...)); near != "" {
		hint = fmt.Sprintf("; did you mean %s?", near)
	}
	return fmt.Errorf("unknown help topic %q%s (commands: %s; topics: %s)",
		name, hint, strings.Join(commands, ", "), strings.Join(topics, ", "))
}

// helpNames lists the names help knows under root: the commands a user
// runs and the help topics, each in cobra's (alphabetical) order.
func helpNames(root *cobra.Command) (commands, topics []string) {
	for _, c := range root.Commands() {
		switch {
		case c.IsAvailableCommand():
			commands = append(commands, c.Name())
		case c.IsAdditionalHelpTopicCommand():
			topics = append(topics, c.Name())
		}
	}
	return commands, topics
}

// completeHelp completes the argument of help with the commands and topics.
func completeHelp(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, c := range cmd.Root().Commands() {
		if (c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand()) && strings.HasPrefix(c.Name(), toComplete) {
			out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
