package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Machine describes where the benchmark ran, since every time it reports
// depends on it.
type Machine struct {
	// CPUs is the number of logical CPUs this process may use (nproc).
	CPUs int
	// CPUModel is the first "model name" of /proc/cpuinfo, or "unknown".
	CPUModel string
	// GoVersion is the toolchain the benchmark and the providers were built
	// with.
	GoVersion string
	// TerraformVersion is what `terraform version` reports.
	TerraformVersion string
	// Platform is GOOS/GOARCH.
	Platform string
}

// String is the one-line summary printed above the results.
func (m Machine) String() string {
	return fmt.Sprintf("%d CPUs (%s), %s, %s, Terraform %s", m.CPUs, m.CPUModel, m.Platform, m.GoVersion, m.TerraformVersion)
}

// DescribeMachine gathers the Machine facts; env is the environment for the
// terraform command (nil means this process's).
func DescribeMachine(ctx context.Context, env []string) (Machine, error) {
	m := Machine{
		CPUs:      runtime.NumCPU(),
		CPUModel:  "unknown",
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		m.CPUModel = cpuModel(bufio.NewScanner(f))
		_ = f.Close()
	}
	cmd := exec.CommandContext(ctx, "terraform", "version", "-json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return m, fmt.Errorf("terraform version: %w", err)
	}
	var version struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &version); err != nil {
		return m, fmt.Errorf("reading `terraform version -json`: %w", err)
	}
	m.TerraformVersion = version.TerraformVersion
	return m, nil
}

// cpuModel returns the first "model name" value that lines holds, in
// /proc/cpuinfo's "key<TAB>: value" form, or "unknown".
func cpuModel(lines *bufio.Scanner) string {
	for lines.Scan() {
		key, value, ok := strings.Cut(lines.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown"
}
