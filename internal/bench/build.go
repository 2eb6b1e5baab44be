package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Import paths of the two providers the benchmark builds.
const (
	// AmicopyPackage is the provider's main package.
	AmicopyPackage = "github.com/amicopy/terraform-provider-amicopy"
	// MinimalPackage is the minimal framework provider's main package.
	MinimalPackage = "github.com/amicopy/terraform-provider-amicopy/internal/bench/minimalprovider/cmd/terraform-provider-minimal"
)

// ReleaseBuildFlags are the go build flags of a release (the goreleaser
// configuration's), less the version stamp, which does not change the size.
var ReleaseBuildFlags = []string{"-trimpath", "-ldflags", "-s -w"}

// pluginMessage is what a binary built on go-plugin prints when it is run
// outside Terraform.
const pluginMessage = "This binary is a plugin"

// GoBuild compiles the main package pkg (an import path of this module) to
// dir/name with the extra go build flags, and returns the binary's path.
// It must run inside the module, because it builds by import path.
func GoBuild(ctx context.Context, dir, name, pkg string, flags ...string) (string, error) {
	binary := filepath.Join(dir, name)
	args := append([]string{"build", "-o", binary}, flags...)
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	return binary, nil
}

// FileSize returns the size of a file in bytes.
func FileSize(path string) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// StartTimes runs a provider binary directly n times and returns each run's
// wall time. Outside Terraform a plugin binary prints that it is a plugin
// and exits at once, so this is the cost of starting the process and
// running the package initialisers: what Terraform pays before the first
// gRPC call, several times per command.
func StartTimes(ctx context.Context, binary string, n int) ([]time.Duration, error) {
	env := withoutPluginCookie(os.Environ())
	times := make([]time.Duration, 0, n)
	for range n {
		cmd := exec.CommandContext(ctx, binary)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		elapsed := time.Since(start)
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			return nil, fmt.Errorf("running %s: %w", binary, err)
		}
		if !strings.Contains(out.String(), pluginMessage) {
			return nil, fmt.Errorf("%s did not say %q when run directly; it printed: %s", binary, pluginMessage, out.String())
		}
		times = append(times, elapsed)
	}
	return times, nil
}

// withoutPluginCookie drops go-plugin's handshake variable, so that the
// binary behaves as if a person ran it.
func withoutPluginCookie(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TF_PLUGIN_MAGIC_COOKIE=") {
			out = append(out, kv)
		}
	}
	return out
}

// ParentOfFirstCommit returns the parent of the commit that added path,
// in the repository at repoDir: the provider as it was just before that
// change, for a measure of the change against what came before it.
func ParentOfFirstCommit(ctx context.Context, repoDir, path string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "log", "--diff-filter=A", "--format=%H", "--", path)
	cmd.Dir = repoDir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git log --diff-filter=A -- %s: %w", path, err)
	}
	commits := strings.Fields(string(out))
	if len(commits) == 0 {
		return "", fmt.Errorf("no commit adds %s", path)
	}
	// git log lists the newest first; the file was added by the oldest.
	parent := exec.CommandContext(ctx, "git", "rev-parse", commits[len(commits)-1]+"^")
	parent.Dir = repoDir
	out, err = parent.Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse %s^: %w", commits[len(commits)-1], err)
	}
	return strings.TrimSpace(string(out)), nil
}

// GoBuildAt compiles the module's main package as it was at commit, to
// dir/name, and returns the binary's path. The commit's tree is exported
// with git archive into a folder of its own, so no worktree changes.
func GoBuildAt(ctx context.Context, repoDir, commit, dir, name string) (string, error) {
	src, err := os.MkdirTemp(dir, "src-")
	if err != nil {
		return "", err
	}
	// From a subfolder git archive exports only that subfolder: export
	// from the top.
	top := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel")
	top.Dir = repoDir
	out, err := top.Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse --show-toplevel: %w", err)
	}
	archive := exec.CommandContext(ctx, "sh", "-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", commit, src)
	archive.Dir = strings.TrimSpace(string(out))
	if out, err := archive.CombinedOutput(); err != nil {
		return "", fmt.Errorf("git archive %s: %w\n%s", commit, err, out)
	}
	binary := filepath.Join(dir, name)
	build := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-o", binary, ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build at %s: %w\n%s", commit, err, out)
	}
	return binary, nil
}
