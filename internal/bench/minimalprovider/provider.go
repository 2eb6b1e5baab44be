// Package minimalprovider is the smallest useful Terraform provider built on
// terraform-plugin-framework: one resource with four string attributes and
// no API behind it.
//
// The benchmark plans the same number of its resources as of amicopy_image,
// without refresh, so that what amicopy adds on top of the framework and
// Terraform (a larger binary to start, a larger schema, plan modifiers and
// validators) shows as the ratio of the two plans' times.
package minimalprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Address is where Terraform finds this provider through dev_overrides.
const Address = "registry.terraform.io/bench/minimal"

// BinaryName is the file name Terraform looks for in a dev_overrides folder.
const BinaryName = "terraform-provider-minimal"

var _ provider.Provider = (*minimalProvider)(nil)

// minimalProvider is the provider; it has no configuration.
type minimalProvider struct {
	version string
}

// New returns a constructor for the provider, as providerserver.Serve wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &minimalProvider{version: version}
	}
}

// Serve serves the provider over protocol 6 until Terraform stops it.
func Serve(ctx context.Context, version string, debug bool) error {
	return providerserver.Serve(ctx, New(version), providerserver.ServeOpts{Address: Address, Debug: debug})
}

// Metadata names the provider.
func (p *minimalProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "minimal"
	resp.Version = p.version
}

// Schema is empty: the provider needs no configuration.
func (p *minimalProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

// Configure does nothing on purpose: there is no API to connect to.
func (p *minimalProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

// Resources lists the one resource.
func (p *minimalProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newItemResource}
}

// DataSources returns none: the benchmark needs only a resource.
func (p *minimalProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}
