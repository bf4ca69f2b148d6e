package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	eddysql "github.com/eddy-streams/eddy/sql"
)

const shellWelcome = "Welcome to Eddy SQL! Enter 'HELP;' to list all available commands. 'QUIT;' to exit.\n"

// runSQLShell is `eddy sql` without -e and -f: the interactive shell on a
// terminal, else a script read from standard input (so that
// `echo "SELECT 1;" | eddy sql` works as with -f).
func runSQLShell(cmd *cobra.Command, o sqlOptions) error {
	in := cmd.InOrStdin()
	f, ok := in.(*os.File)
	if !ok || !fileIsTerminal(f) {
		b, err := io.ReadAll(in)
		if err != nil {
			return fmt.Errorf("reading statements from standard input: %w", err)
		}
		return runSQL(cmd, string(b), o)
	}
	if o.output != "" {
		return usagef("--output needs -e or -f")
	}
	path := o.history
	if path == "" {
		path = defaultHistoryPath()
	}
	out := cmd.OutOrStdout()
	fmt.Fprint(out, shellWelcome)
	printed := &programWriter{}
	s := eddysql.NewSession(eddysql.Options{Stdout: printed})
	m := newShellModel(cmd.Context(), s, loadHistory(path))
	p := tea.NewProgram(m, tea.WithContext(cmd.Context()), tea.WithInput(f), tea.WithOutput(out),
		// main turns SIGINT and SIGTERM into the context's cancellation.
		tea.WithoutSignalHandler())
	printed.setProgram(p)
	_, err := p.Run()
	if m.run != nil {
		m.run.cancel()
	}
	if errors.Is(err, tea.ErrProgramKilled) && cmd.Context().Err() != nil {
		return fmt.Errorf("interrupted")
	}
	return err
}

// programWriter gives the print connector's lines to the program, which
// prints them above the prompt: written straight to the terminal they
// would tear the shell's display.
type programWriter struct {
	mu      sync.Mutex
	p       *tea.Program
	partial []byte
}

func (w *programWriter) setProgram(p *tea.Program) {
	w.mu.Lock()
	w.p = p
	w.mu.Unlock()
}

func (w *programWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, b...)
	i := bytes.LastIndexByte(w.partial, '\n')
	if i < 0 || w.p == nil {
		return len(b), nil
	}
	lines := string(w.partial[:i])
	w.partial = append(w.partial[:0], w.partial[i+1:]...)
	// Send, unlike Println, gives up once the program has ended.
	w.p.Send(tea.Println(lines)())
	return len(b), nil
}
