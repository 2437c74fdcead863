package main

import "github.com/voces-cdmx/voces/internal/cli"

// usageError is a mistake on the command line; main exits 2 for it.
type usageError = cli.UsageError
