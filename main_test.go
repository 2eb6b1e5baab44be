package main

import "testing"

func TestQuietUnreadLogs(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantSDK string
	}{
		{"nobody asked for logs", map[string]string{}, "off"},
		{"TF_LOG asks for all logs", map[string]string{"TF_LOG": "TRACE"}, ""},
		{"TF_LOG_PROVIDER asks for provider logs", map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, ""},
		{"an explicit SDK level is kept", map[string]string{"TF_LOG_SDK": "INFO"}, "INFO"},
		{"the test harness's log file asks for logs", map[string]string{"TF_ACC_LOG_PATH": "/tmp/x.log"}, ""},
		{"core-only logs do not count", map[string]string{"TF_LOG_CORE": "TRACE"}, "off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			getenv := func(name string) string { return env[name] }
			setenv := func(name, value string) error { env[name] = value; return nil }
			if err := quietUnreadLogs(getenv, setenv); err != nil {
				t.Fatal(err)
			}
			if got := env["TF_LOG_SDK"]; got != tt.wantSDK {
				t.Errorf("TF_LOG_SDK = %q, want %q", got, tt.wantSDK)
			}
		})
	}
}
