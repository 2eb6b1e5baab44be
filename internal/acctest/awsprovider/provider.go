package awsprovider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ provider.Provider = (*awsProvider)(nil)

// endpointServiceNames lists the services the endpoints block accepts. Only
// ec2 is used; the others are accepted so that provider blocks written for
// the real provider against a local AWS API still validate.
var endpointServiceNames = []string{"ec2", "iam", "kms", "s3", "ssm", "sts"}

// awsProvider is the provider type name "aws" with the subset of the real
// provider's configuration that a test against a local EC2 API uses.
type awsProvider struct {
	version string
	shape   Shape
}

// newProvider returns a factory for the provider serving the given shape.
func newProvider(version string, shape Shape) func() provider.Provider {
	return func() provider.Provider {
		return &awsProvider{version: version, shape: shape}
	}
}

// Metadata names the provider "aws" so its resources are aws_*.
func (p *awsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "aws"
	resp.Version = p.version
}

// Schema follows the real provider's argument names and types, including
// skip_metadata_api_check being a string there.
func (p *awsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpointAttributes := make(map[string]schema.Attribute, len(endpointServiceNames))
	for _, name := range endpointServiceNames {
		endpointAttributes[name] = schema.StringAttribute{
			Optional:    true,
			Description: "Use this to override the default service endpoint URL.",
		}
	}

	resp.Schema = schema.Schema{
		Description: "Stand-in for the AWS provider that serves aws_ami_copy, aws_ami_launch_permission and aws_snapshot_create_volume_permission.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				Optional:    true,
				Description: "The access key for API operations.",
			},
			"insecure": schema.BoolAttribute{
				Optional:    true,
				Description: "Accepted for compatibility; TLS settings are not changed.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:    true,
				Description: "The maximum number of times an AWS API request is retried on failure.",
			},
			"profile": schema.StringAttribute{
				Optional:    true,
				Description: "The profile for API operations.",
			},
			"region": schema.StringAttribute{
				Optional:    true,
				Description: "The region where AWS operations will take place.",
			},
			"s3_use_path_style": schema.BoolAttribute{
				Optional:    true,
				Description: "Accepted for compatibility; S3 is not used.",
			},
			"secret_key": schema.StringAttribute{
				Optional:    true,
				Sensitive:   true,
				Description: "The secret key for API operations.",
			},
			"skip_credentials_validation": schema.BoolAttribute{
				Optional:    true,
				Description: "Accepted for compatibility; credentials are never validated through STS.",
			},
			"skip_metadata_api_check": schema.StringAttribute{
				Optional:    true,
				Description: "Skip the AWS Metadata API check.",
				Validators:  []validator.String{stringvalidator.OneOf("true", "false")},
			},
			"skip_region_validation": schema.BoolAttribute{
				Optional:    true,
				Description: "Accepted for compatibility; Regions are never validated.",
			},
			"skip_requesting_account_id": schema.BoolAttribute{
				Optional:    true,
				Description: "Accepted for compatibility; the account ID is never requested.",
			},
			"token": schema.StringAttribute{
				Optional:    true,
				Sensitive:   true,
				Description: "Session token for validating temporary credentials.",
			},
		},
		Blocks: map[string]schema.Block{
			"default_tags": schema.ListNestedBlock{
				Description: "Configuration block with settings to default resource tags across all resources.",
				Validators:  []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"tags": schema.MapAttribute{
							ElementType: types.StringType,
							Optional:    true,
							Description: "Resource tags to default across all resources.",
						},
					},
				},
			},
			"endpoints": schema.SetNestedBlock{
				Description:  "Service endpoint URL overrides.",
				NestedObject: schema.NestedBlockObject{Attributes: endpointAttributes},
			},
		},
	}
}

// providerConfigModel maps the provider block.
type providerConfigModel struct {
	AccessKey                 types.String `tfsdk:"access_key"`
	DefaultTags               types.List   `tfsdk:"default_tags"`
	Endpoints                 types.Set    `tfsdk:"endpoints"`
	Insecure                  types.Bool   `tfsdk:"insecure"`
	MaxRetries                types.Int64  `tfsdk:"max_retries"`
	Profile                   types.String `tfsdk:"profile"`
	Region                    types.String `tfsdk:"region"`
	S3UsePathStyle            types.Bool   `tfsdk:"s3_use_path_style"`
	SecretKey                 types.String `tfsdk:"secret_key"`
	SkipCredentialsValidation types.Bool   `tfsdk:"skip_credentials_validation"`
	SkipMetadataAPICheck      types.String `tfsdk:"skip_metadata_api_check"`
	SkipRegionValidation      types.Bool   `tfsdk:"skip_region_validation"`
	SkipRequestingAccountID   types.Bool   `tfsdk:"skip_requesting_account_id"`
	Token                     types.String `tfsdk:"token"`
}

// defaultTagsModel maps one default_tags block.
type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

// Configure resolves credentials, Region and the EC2 endpoint once, and hands
// resources a client factory that caches one EC2 client per Region.
func (p *awsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings := clientSettings{
		accessKey:       cfg.AccessKey.ValueString(),
		secretKey:       cfg.SecretKey.ValueString(),
		token:           cfg.Token.ValueString(),
		profile:         cfg.Profile.ValueString(),
		region:          cfg.Region.ValueString(),
		skipMetadataAPI: cfg.SkipMetadataAPICheck.ValueString() == "true",
		maxRetries:      int(cfg.MaxRetries.ValueInt64()),
	}

	// The endpoints block is a set of objects; the last ec2 value wins, as
	// only one block is expected.
	for _, element := range cfg.Endpoints.Elements() {
		object, ok := element.(types.Object)
		if !ok {
			continue
		}
		if ec2, ok := object.Attributes()["ec2"].(types.String); ok && ec2.ValueString() != "" {
			settings.ec2Endpoint = ec2.ValueString()
		}
	}

	defaultTags := map[string]string{}
	if !cfg.DefaultTags.IsNull() && !cfg.DefaultTags.IsUnknown() {
		var blocks []defaultTagsModel
		resp.Diagnostics.Append(cfg.DefaultTags.ElementsAs(ctx, &blocks, false)...)
		for _, block := range blocks {
			var tags map[string]string
			resp.Diagnostics.Append(block.Tags.ElementsAs(ctx, &tags, false)...)
			maps.Copy(defaultTags, tags)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	clients, err := newClientFactory(ctx, settings)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure AWS Client", err.Error())
		return
	}

	resp.ResourceData = &providerData{clients: clients, defaultTags: defaultTags}
}

// Resources returns aws_ami_copy and the two sharing resources that a
// migration to amicopy_image takes over.
func (p *awsProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newAMICopyResource(p.shape), newLaunchPermissionResource(p.shape), newSnapshotCreateVolumePermissionResource(p.shape),
	}
}

// DataSources returns none; the stand-in serves no data sources.
func (p *awsProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}

// providerData is what Configure hands to resources.
type providerData struct {
	clients     *clientFactory
	defaultTags map[string]string
}

// clientSettings is the resolved provider configuration that shapes the
// AWS SDK configuration.
type clientSettings struct {
	accessKey       string
	secretKey       string
	token           string
	profile         string
	region          string
	ec2Endpoint     string
	skipMetadataAPI bool
	maxRetries      int
}

// clientFactory builds EC2 clients that share one SDK configuration and
// differ only by Region, as the real provider does for per-resource region.
type clientFactory struct {
	base          aws.Config
	ec2Endpoint   string
	defaultRegion string

	mu      sync.Mutex
	clients map[string]*ec2.Client
}

// newClientFactory loads the SDK configuration the way the real provider
// does: explicit keys win over the environment, and the provider's region
// wins over AWS_REGION.
func newClientFactory(ctx context.Context, settings clientSettings) (*clientFactory, error) {
	var opts []func(*config.LoadOptions) error

	if settings.region != "" {
		opts = append(opts, config.WithRegion(settings.region))
	}
	if settings.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(settings.profile))
	}
	if settings.accessKey != "" || settings.secretKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(settings.accessKey, settings.secretKey, settings.token),
		))
	}
	if settings.skipMetadataAPI {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if settings.maxRetries > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(settings.maxRetries))
	}

	base, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS SDK configuration: %w", err)
	}

	if base.Region == "" {
		return nil, fmt.Errorf("the argument \"region\" is required, but no definition was found: set it in the provider block or through AWS_REGION")
	}

	return &clientFactory{
		base:          base,
		ec2Endpoint:   settings.ec2Endpoint,
		defaultRegion: base.Region,
		clients:       map[string]*ec2.Client{},
	}, nil
}

// EC2 returns the cached client for region, or the provider's Region when
// region is empty.
func (f *clientFactory) EC2(region string) *ec2.Client {
	if region == "" {
		region = f.defaultRegion
	}

	f.mu.Lock()
	defer f.mu.Unlock()

	if client, ok := f.clients[region]; ok {
		return client
	}

	client := ec2.NewFromConfig(f.base, func(o *ec2.Options) {
		o.Region = region
		// The provider block's endpoint wins over AWS_ENDPOINT_URL_EC2,
		// which the SDK has already applied to the base configuration.
		if f.ec2Endpoint != "" {
			o.BaseEndpoint = aws.String(f.ec2Endpoint)
		}
	})
	f.clients[region] = client

	return client
}

// lookupEnvShape reads the schema shape override from the environment.
func lookupEnvShape() (Shape, bool) {
	v, ok := os.LookupEnv(SchemaEnv)
	if !ok || v == "" {
		return "", false
	}
	return Shape(v), true
}
