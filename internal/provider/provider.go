// Package provider is the Terraform side of amicopy: the provider's
// configuration and the amicopy_image resource. EC2 work is delegated to
// package ami.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ provider.Provider = (*amicopyProvider)(nil)

// amicopyProvider is the amicopy provider.
type amicopyProvider struct {
	version string
	// data is what Configure built, kept for the server's plan shortcut.
	data *providerData
	// storedCopies outlives Configure: Terraform may upgrade the stored
	// states before it configures the provider.
	storedCopies storedCopies
}

// New returns a constructor for the provider, as providerserver.Serve wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &amicopyProvider{version: version}
	}
}

// Metadata names the provider.
func (p *amicopyProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "amicopy"
	resp.Version = p.version
}

// Schema follows the AWS provider's configuration, because users know it.
func (p *amicopyProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Copies Amazon Machine Images (AMIs) across Regions, into Outposts and into Local Zones with EC2 CopyImage. " +
			"Credentials and Region are found the way the AWS provider and the AWS CLI find them.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				MarkdownDescription: "AWS access key ID. Prefer the credential chain (environment, shared files, SSO, instance role); " +
					"when set, `secret_key` is required too.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("secret_key"))},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times an AWS call (EC2, KMS, STS) is retried on throttling, server errors and lost connections, with the AWS SDK's exponential backoff. Defaults to `25`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 100)},
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Named profile of the shared configuration and credentials files. Falls back to `AWS_PROFILE`.",
				Optional:            true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Default destination Region for copies: every `amicopy_image` without its own `region` lands here. " +
					"Falls back to `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`.",
				Optional:   true,
				Validators: []validator.String{regionNameValidator()},
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "AWS secret access key. Requires `access_key`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("access_key"))},
			},
			"shared_config_files": schema.ListAttribute{
				MarkdownDescription: "Paths of shared configuration files. Defaults to `~/.aws/config` (or `AWS_CONFIG_FILE`).",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"shared_credentials_files": schema.ListAttribute{
				MarkdownDescription: "Paths of shared credentials files. Defaults to `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`).",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"skip_preflight": schema.BoolAttribute{
				MarkdownDescription: "Skip the plan-time checks that ask AWS: whether a copy would work (source image lookup, CopyImage with `DryRun`, KMS key lookup), " +
					"whether its name is in use, the sharing checks (the copy's own account, encryption, the EBS default key, block public access), " +
					"and the read of the grants that setting a sharing attribute would remove. The checks on the configuration alone still run. " +
					"Use it for plans that must not call AWS. Defaults to `false`.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "Session token for temporary credentials given with `access_key` and `secret_key`.",
				Optional:            true,
				Sensitive:           true,
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Assume an IAM role with STS before calling EC2. The credentials found by the chain (or given above) are the ones that assume it.",
				Attributes: map[string]schema.Attribute{
					"duration": schema.StringAttribute{
						MarkdownDescription: "How long the role session lasts, as a Go duration such as `1h` or `15m`. Defaults to `15m`.",
						Optional:            true,
						Validators:          []validator.String{durationValidator(15*time.Minute, 12*time.Hour)},
					},
					"external_id": schema.StringAttribute{
						MarkdownDescription: "External ID that the role's trust policy asks for.",
						Optional:            true,
						Sensitive:           true,
					},
					"role_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the role to assume. Required when the block is present.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.RegexMatches(iamRoleARNPattern, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/name")},
					},
					"session_name": schema.StringAttribute{
						MarkdownDescription: "Name of the role session, shown in CloudTrail. Defaults to `terraform-provider-amicopy`.",
						Optional:            true,
					},
				},
			},
			"default_tags": schema.SingleNestedBlock{
				MarkdownDescription: "Tags added to every AMI (and its snapshots) that this provider copies. A resource's own `tags` win on a shared key.",
				Attributes: map[string]schema.Attribute{
					"tags": schema.MapAttribute{
						MarkdownDescription: "Tags to add to every copy.",
						ElementType:         types.StringType,
						Optional:            true,
					},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Custom service endpoints, for EC2-compatible APIs and local testing. " +
					"The standard `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL_KMS` environment variables work too.",
				Attributes: map[string]schema.Attribute{
					"ec2": schema.StringAttribute{MarkdownDescription: "EC2 endpoint URL, used for every Region.", Optional: true},
					"kms": schema.StringAttribute{MarkdownDescription: "KMS endpoint URL (plan-time KMS key checks).", Optional: true},
					"sts": schema.StringAttribute{MarkdownDescription: "STS endpoint URL (assume role, and decoding refused permission checks).", Optional: true},
				},
			},
		},
	}
}

// Configure prepares the AWS configuration. It makes no network call:
// credentials and clients are resolved on first use, per Region.
func (p *amicopyProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.AssumeRole != nil && cfg.AssumeRole.RoleARN.ValueString() == "" && !cfg.AssumeRole.RoleARN.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("assume_role").AtName("role_arn"), "Missing Role ARN",
			"The assume_role block needs role_arn, the ARN of the IAM role to assume. Add it, or remove the block.")
		return
	}
	data, diags := newProviderData(ctx, cfg, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.storedCopies = &p.storedCopies
	resp.ResourceData = data
	p.data = data
}

// Resources lists the provider's one resource.
func (p *amicopyProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &imageResource{provider: p} }}
}

// DataSources returns none: the provider manages copies only.
func (p *amicopyProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}

// durationValidator accepts Go durations (such as "1h") between lowest and
// highest, the range STS allows for a role session.
func durationValidator(lowest, highest time.Duration) validator.String {
	return durationBetween{lowest: lowest, highest: highest}
}

// durationBetween implements durationValidator.
type durationBetween struct {
	lowest, highest time.Duration
}

func (v durationBetween) Description(_ context.Context) string {
	return fmt.Sprintf("must be a duration such as \"1h\" between %s and %s", v.lowest, v.highest)
}

func (v durationBetween) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationBetween) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.lowest || d > v.highest {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not valid here: the value %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
