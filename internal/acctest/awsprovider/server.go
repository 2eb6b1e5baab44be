package awsprovider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"
)

// ProviderAddress is the registry address the stand-in is served under, so
// that configurations and state written for the real provider use it as is.
const ProviderAddress = "registry.terraform.io/hashicorp/aws"

// SchemaEnv names the environment variable that selects the schema shape at
// run time ("v5" or "v6"). Terraform passes its environment to providers, so
// setting it on the terraform command is enough.
const SchemaEnv = "AMICOPY_STANDIN_AWS_SCHEMA"

// Shape is the major version of the AWS provider whose aws_ami_copy schema
// the stand-in reproduces.
type Shape string

const (
	// ShapeV5 is the AWS provider v5 schema: no per-resource region.
	ShapeV5 Shape = "v5"
	// ShapeV6 is the AWS provider v6 schema: adds region, last_launched_time
	// and uefi_data.
	ShapeV6 Shape = "v6"
)

// ParseShape accepts "v5", "v6", "5" or "6" (the forms people type), and
// returns an error for anything else.
func ParseShape(s string) (Shape, error) {
	switch s {
	case "v5", "5":
		return ShapeV5, nil
	case "v6", "6":
		return ShapeV6, nil
	default:
		return "", fmt.Errorf("unknown AWS provider schema shape %q: want v5 or v6", s)
	}
}

// Serve runs the provider as a Terraform plugin over protocol 5, the
// protocol the real AWS provider speaks. defaultShape applies unless SchemaEnv
// is set; debug starts it in managed debug mode.
func Serve(version string, defaultShape Shape, debug bool) error {
	shape := defaultShape
	if v, ok := lookupEnvShape(); ok {
		parsed, err := ParseShape(string(v))
		if err != nil {
			return err
		}
		shape = parsed
	}
	if shape == "" {
		shape = ShapeV6
	}

	var opts []tf5server.ServeOpt
	if debug {
		opts = append(opts, tf5server.WithManagedDebug())
	}

	return tf5server.Serve(ProviderAddress, NewServer(version, shape), opts...)
}

// NewServer returns a protocol 5 server factory for the given shape, wrapped
// so that Terraform treats it like an SDKv2 provider (see legacyServer).
func NewServer(version string, shape Shape) func() tfprotov5.ProviderServer {
	framework := providerserver.NewProtocol5(newProvider(version, shape)())
	return func() tfprotov5.ProviderServer {
		return legacyServer{ProviderServer: framework()}
	}
}

// legacyServer makes the framework server behave like the SDKv2 provider it
// stands in for, in the two ways that state and plans can observe.
//
// First, it sets UnsafeToUseLegacyTypeSystem on plans and applies, as SDKv2
// does. aws_ami_copy has Optional+Computed blocks (ebs_block_device,
// ephemeral_block_device) that the provider fills in although the
// configuration has none; Terraform accepts that only from legacy-type-system
// providers, and rejects it ("block set length changed") from others.
//
// Second, it replaces private state with the SDKv2 layout (timeouts under the
// SDK's fixed key, plus schema_version), so that a provider receiving this
// resource through a moved block sees the same SourcePrivate as from the real
// provider. Incoming private state is dropped before the framework sees it,
// because the resource keeps nothing there.
type legacyServer struct {
	tfprotov5.ProviderServer
}

// PlanResourceChange marks the plan as coming from the legacy type system.
func (s legacyServer) PlanResourceChange(ctx context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	req.PriorPrivate = nil
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.UnsafeToUseLegacyTypeSystem = true //nolint:staticcheck // Deliberate: SDKv2 sets it, see legacyServer.
		if resp.PlannedState != nil {
			resp.PlannedPrivate = sdkPrivateState()
		}
	}
	return resp, err
}

// ApplyResourceChange marks the new state as coming from the legacy type
// system.
func (s legacyServer) ApplyResourceChange(ctx context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	req.PlannedPrivate = nil
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.UnsafeToUseLegacyTypeSystem = true //nolint:staticcheck // Deliberate: SDKv2 sets it, see legacyServer.
		if resp.NewState != nil {
			resp.Private = sdkPrivateState()
		}
	}
	return resp, err
}

// ReadResource keeps the SDKv2 private state layout across refreshes.
func (s legacyServer) ReadResource(ctx context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	req.Private = nil
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil && resp.NewState != nil {
		resp.Private = sdkPrivateState()
	}
	return resp, err
}

// sdkTimeoutsKey is the fixed key under which terraform-plugin-sdk/v2 keeps
// resource timeouts in private state.
const sdkTimeoutsKey = "e2bfb730-ecaa-11e6-8f88-34363bc7c4c0"

// Default timeouts of aws_ami_copy in the real provider.
const (
	defaultCreateTimeout = 40 * time.Minute
	defaultUpdateTimeout = 40 * time.Minute
	defaultDeleteTimeout = 90 * time.Minute
)

// sdkPrivateState is the private state SDKv2 writes for aws_ami_copy with its
// default timeouts: durations in nanoseconds and the schema version as a
// string.
func sdkPrivateState() []byte {
	private := map[string]any{
		sdkTimeoutsKey: map[string]int64{
			"create": defaultCreateTimeout.Nanoseconds(),
			"delete": defaultDeleteTimeout.Nanoseconds(),
			"update": defaultUpdateTimeout.Nanoseconds(),
		},
		"schema_version": "0",
	}
	b, err := json.Marshal(private)
	if err != nil {
		// A map of strings and integers always marshals.
		panic(err)
	}
	return b
}
