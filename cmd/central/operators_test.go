package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/dashboard"
)

func TestOperatorsAddListPasswd(t *testing.T) {
	c := centraltest.Start(t)
	ctx := context.Background()
	run := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Logger: NewMain().Logger}
		cmd := &OperatorsCommand{main: m, Stdin: strings.NewReader(stdin)}
		err := cmd.Run(ctx, append(args, "--data", c.Dir))
		return out.String(), err
	}
	steps := []struct {
		name    string
		stdin   string
		args    []string
		wantOut string
		wantErr string
	}{
		{"add reads the password from stdin", "first password\n", []string{"add", "ana"}, "added operator ana", ""},
		{"add twice is refused", "first password\n", []string{"add", "ana"}, "", "already exists"},
		{"a short password is refused", "short\n", []string{"add", "beto"}, "", "at least 10"},
		{"no password is refused", "", []string{"add", "beto"}, "", "no password"},
		{"list shows the account", "", []string{"list"}, "ana", ""},
		{"passwd replaces the password", "second password\n", []string{"passwd", "ana"}, "changed the password of ana", ""},
		{"passwd of a stranger fails", "second password\n", []string{"passwd", "nadie"}, "", "no operator"},
		{"a name with spaces is refused", "first password\n", []string{"add", "ana maria"}, "", "one word"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, err := run(st.stdin, st.args...)
			if st.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), st.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, st.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(out, st.wantOut) {
				t.Fatalf("out %q, err %v; want %q", out, err, st.wantOut)
			}
		})
	}
	op, err := c.Store.GetOperator(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	for pw, want := range map[string]bool{"second password": true, "first password": false} {
		if ok, err := dashboard.CheckPassword(op.PasswordHash, pw); err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestServeMountsDashboardMetricsAndAPI(t *testing.T) {
	p := centraltest.StartProcess(t, bin, filepath.Join(t.TempDir(), "data"))
	tests := []struct {
		path        string
		status      int
		contentType string
		contains    string
	}{
		{"/", http.StatusSeeOther, "", ""},
		{"/login", http.StatusOK, "text/html", "Iniciar sesión"},
		{"/receipt", http.StatusOK, "text/html", "Consulta tu código de recibo"},
		{"/static/style.css", http.StatusOK, "text/css", ".progress"},
		{"/metrics", http.StatusOK, "text/plain", `voces_devices{state="online"} 0`},
		{"/api/v1/nothing", http.StatusNotFound, "application/json", "not_found"},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := client.Get(p.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) || !strings.Contains(string(body), tt.contains) {
				t.Errorf("GET %s = %d %s, want %d %s containing %q\n%s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.status, tt.contentType, tt.contains, body)
			}
		})
	}
	if !strings.Contains(p.Output(), "dashboard on "+p.URL+"/") {
		t.Errorf("serve does not print the dashboard URL:\n%s", p.Output())
	}
}
