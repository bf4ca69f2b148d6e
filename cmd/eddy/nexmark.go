package main

import "github.com/spf13/cobra"

func newNexmarkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nexmark",
		Short: "Generate Nexmark events and run the Nexmark queries",
		Long: `The Nexmark benchmark: a generator of Person, Auction and Bid events and the
suite's queries written on the DataStream API.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNexmarkGenCmd(), newNexmarkRunCmd())
	return cmd
}
