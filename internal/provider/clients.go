package provider

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// defaultMaxRetries matches the AWS provider's default.
const defaultMaxRetries = 25

// providerData is what Configure hands to resources: the AWS configuration,
// the provider-level defaults, and the per-Region clients built from them.
type providerData struct {
	// awsConfig is the AWS SDK's configuration, loaded on first use
	// (newProviderData says why).
	awsConfig     func() (aws.Config, error)
	ec2Endpoint   string
	kmsEndpoint   string
	stsEndpoint   string
	defaultRegion string
	defaultTags   map[string]string
	// defaultTagsUnknown is set while a default tag is known only at apply.
	defaultTagsUnknown bool
	skipPreflight      bool

	mu         sync.Mutex
	ec2Clients map[string]*ami.Client
	kmsClients map[string]*kms.Client

	credentialsOnce sync.Once
	// credentialsProblem explains why no credentials were found, or is "".
	credentialsProblem string

	preflight *preflightCache
	// caller is the identity the provider runs as, asked on first need.
	caller callerIdentity
	// sharingFacts caches what the plan-time sharing checks learn.
	sharingFacts sharingFacts
	// kmsKeyARNs caches the key ARN that each kms_key_id value names, by
	// Region (kmsKeyARN).
	kmsKeyARNs sharingFacts

	// plannedNames holds "REGION|NAME" for each copy that this plan
	// creates (claimName). Terraform configures the provider afresh for
	// every plan and apply, so it never outlives one plan.
	plannedNamesMu sync.Mutex
	plannedNames   map[string]bool

	// storedCopies are the copies in this run's state, by client token.
	storedCopies *storedCopies
	// plannedTokens holds "REGION|TOKEN" for each new copy of this plan
	// whose client_token the configuration sets (claimClientToken).
	plannedTokensMu sync.Mutex
	plannedTokens   map[string]bool
}

// newProviderData turns the provider configuration into an AWS
// configuration. The SDK reads the environment (AWS_REGION, then
// AWS_DEFAULT_REGION; AWS_PROFILE; AWS_ENDPOINT_URL_EC2, ...) and the shared
// files itself.
func newProviderData(ctx context.Context, cfg providerModel, version string) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	maxRetries := defaultMaxRetries
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	}

	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxRetries + 1
				// The client-side retry quota would make retries fail fast
				// after sustained throttling, which is exactly when a long
				// apply needs them; the AWS provider turns it off too.
				o.RateLimiter = ratelimit.None
			})
		}),
		config.WithAPIOptions([]func(*middleware.Stack) error{
			// Names the provider in EC2's logs and CloudTrail.
			awsmiddleware.AddUserAgentKeyValue("terraform-provider-amicopy", version),
			addCallLogging,
		}),
		// The SDK's own logger would print request bodies at debug level;
		// the provider logs every call itself, without secrets.
		config.WithLogger(logging.Nop{}),
	}
	if region := knownString(cfg.Region); region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if profile := knownString(cfg.Profile); profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if files := stringValues(cfg.SharedConfigFiles); len(files) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(files))
	}
	if files := stringValues(cfg.SharedCredentialsFiles); len(files) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(files))
	}
	if accessKey := knownString(cfg.AccessKey); accessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(accessKey, knownString(cfg.SecretKey), knownString(cfg.Token))))
	}

	// Configure loads the configuration without the custom CA bundle
	// (AWS_CA_BUNDLE, or ca_bundle in the profile), so that every other
	// mistake in it is reported now and the default Region is known. The
	// configuration that calls AWS is loaded, with the bundle, on first
	// use. Why: the bundle is often a whole system store, whose some 150
	// certificates took 17 ms to parse in every Terraform command, and a
	// plan that calls no AWS API (plan -refresh=false with nothing to
	// change) needs none of it. The placeholder stands in for the bundle
	// only in the configuration that is checked here, and is never used
	// for a request. checkCABundle checks the real bundle as the SDK will
	// (a readable file in which a certificate parses) but stops at the
	// first certificate that does, so a bundle the SDK would refuse is
	// still reported here, once, at the provider.
	checked, err := config.LoadDefaultConfig(ctx, append(opts, config.WithCustomCABundle(strings.NewReader(placeholderCABundle)))...)
	if err == nil {
		err = checkCABundle(checked.ConfigSources)
	}
	if err != nil {
		diags.AddError("Unable to Load AWS Configuration", awsConfigProblem(err))
		return nil, diags
	}

	data := &providerData{
		defaultRegion: checked.Region,
		defaultTags:   map[string]string{},
		skipPreflight: cfg.SkipPreflight.ValueBool(),
		ec2Clients:    map[string]*ami.Client{},
		kmsClients:    map[string]*kms.Client{},
		preflight:     newPreflightCache(),
	}
	if cfg.Endpoints != nil {
		data.ec2Endpoint = knownString(cfg.Endpoints.EC2)
		data.kmsEndpoint = knownString(cfg.Endpoints.KMS)
		data.stsEndpoint = knownString(cfg.Endpoints.STS)
	}
	if cfg.DefaultTags != nil {
		// A default tag known only at apply (from another resource) makes
		// every tags_all unknown in the plan; at apply it is known.
		data.defaultTagsUnknown = cfg.DefaultTags.Tags.IsUnknown()
		for k, v := range cfg.DefaultTags.Tags.Elements() {
			if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				data.defaultTags[k] = s.ValueString()
			} else if v.IsUnknown() {
				data.defaultTagsUnknown = true
			}
		}
	}
	loadCtx := context.WithoutCancel(ctx) // used after Configure returns
	data.awsConfig = sync.OnceValues(func() (aws.Config, error) {
		awsConfig, err := config.LoadDefaultConfig(loadCtx, opts...)
		if err != nil {
			return aws.Config{}, err
		}
		if cfg.AssumeRole != nil {
			awsConfig.Credentials = data.assumeRoleCredentials(awsConfig, cfg.AssumeRole)
		}
		return awsConfig, nil
	})
	return data, diags
}

// assumeRoleCredentials are credentials for the role of assume_role, asked
// of STS with the credentials of awsConfig.
func (d *providerData) assumeRoleCredentials(awsConfig aws.Config, role *assumeRoleModel) aws.CredentialsProvider {
	duration := 15 * time.Minute
	if v := knownString(role.Duration); v != "" {
		duration, _ = time.ParseDuration(v) // checked by the schema's validator
	}
	sessionName := knownString(role.SessionName)
	if sessionName == "" {
		sessionName = "terraform-provider-amicopy"
	}
	externalID := knownString(role.ExternalID)
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(d.newSTSClient(awsConfig, awsConfig.Region), role.RoleARN.ValueString(),
		func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = sessionName
			o.Duration = duration
			if externalID != "" {
				o.ExternalID = aws.String(externalID)
			}
		}))
}

// awsConfigProblem words a failure to load the AWS configuration.
func awsConfigProblem(err error) string {
	return "The provider could not read the AWS configuration: " + err.Error() +
		"\n\nCheck that the profile (profile, or AWS_PROFILE) exists in the files given (shared_config_files, " +
		"shared_credentials_files), or remove it to use the default credential chain, and that AWS_CA_BUNDLE or the " +
		"profile's ca_bundle, when set, names a readable PEM file of certificates."
}

// checkCABundle checks the custom CA bundle that the SDK would read, found
// as it finds it (AWS_CA_BUNDLE, then the profile's ca_bundle) in the
// sources of a loaded configuration. The SDK refuses a bundle in which no
// certificate parses (x509.CertPool.AppendCertsFromPEM skips the others),
// so this reads certificates until one parses: one, for any usable bundle,
// which is the cost that loading the bundle on first use saves.
func checkCABundle(sources []any) error {
	for _, source := range sources {
		var bundle string
		switch c := source.(type) { // LoadDefaultConfig keeps its sources as values
		case config.EnvConfig:
			bundle = c.CustomCABundle
		case config.SharedConfig:
			bundle = c.CustomCABundle
		}
		if bundle == "" {
			continue
		}
		content, err := os.ReadFile(bundle)
		if err != nil {
			return fmt.Errorf("failed to read the custom CA bundle: %w", err)
		}
		for rest := content; ; {
			var block *pem.Block
			if block, rest = pem.Decode(rest); block == nil {
				return fmt.Errorf("the custom CA bundle %s holds no PEM certificate that Go can use", bundle)
			}
			// What AppendCertsFromPEM takes: a CERTIFICATE block without
			// headers whose certificate parses.
			if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
				continue
			}
			if _, err := x509.ParseCertificate(block.Bytes); err == nil {
				return nil
			}
		}
	}
	return nil
}

// placeholderCABundle is a certificate that verifies nothing (it expired
// on 2 January 2026, and its key was thrown away), for the configuration
// that Configure only checks (newProviderData).
const placeholderCABundle = `-----BEGIN CERTIFICATE-----
MIIBdjCCAR2gAwIBAgIBATAKBggqhkjOPQQDAjBFMUMwQQYDVQQDEzp0ZXJyYWZv
cm0tcHJvdmlkZXItYW1pY29weSBwbGFjZWhvbGRlciwgdHJ1c3RlZCBieSBub3Ro
aW5nMB4XDTI2MDEwMTAwMDAwMFoXDTI2MDEwMjAwMDAwMFowRTFDMEEGA1UEAxM6
dGVycmFmb3JtLXByb3ZpZGVyLWFtaWNvcHkgcGxhY2Vob2xkZXIsIHRydXN0ZWQg
Ynkgbm90aGluZzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABD2L8Idq7UXDIFO5
Gkb5Fm7sMM1LrsXA5bZd8+BziMt/hxNoKL89nKKq0zi0V6nvw2Q9x25daA/VLl/o
kOWwsbUwCgYIKoZIzj0EAwIDRwAwRAIgExKjZ+KdkBsYghhBUOd2YvBgJEStDb3G
uBx8JrLSJTACIBEkmIl9qsg5/TuZAHVmfKZdboqStvqsw+eKeFesdnPp
-----END CERTIFICATE-----
`

// regionOrDefault returns region, or the provider's default when region is
// empty.
func (d *providerData) regionOrDefault(region string) string {
	if region != "" {
		return region
	}
	return d.defaultRegion
}

// ec2Client returns the cached client for a Region, building it on first use.
func (d *providerData) ec2Client(ctx context.Context, region string) (*ami.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if region == "" {
		diags.AddError("Missing AWS Region",
			"No destination Region is known. Set region in the provider block or on the resource, "+
				"or set the AWS_REGION environment variable, or give the profile a region.")
		return nil, diags
	}
	awsConfig, err := d.awsConfig()
	if err != nil {
		diags.AddError("Unable to Load AWS Configuration", awsConfigProblem(err))
		return nil, diags
	}
	if problem := d.checkCredentials(ctx); problem != "" {
		diags.AddError("No Valid AWS Credentials", problem)
		return nil, diags
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.ec2Clients[region]; ok {
		return c, diags
	}
	api := ec2.NewFromConfig(awsConfig, func(o *ec2.Options) {
		o.Region = region
		if d.ec2Endpoint != "" {
			o.BaseEndpoint = aws.String(d.ec2Endpoint)
		}
		o.APIOptions = append(o.APIOptions, d.addRefusalExplanation)
	})
	c := ami.NewClient(ami.FromSDK(api), region)
	d.ec2Clients[region] = c
	return c, diags
}

// kmsClient returns the cached KMS client for a Region.
func (d *providerData) kmsClient(region string) (*kms.Client, error) {
	awsConfig, err := d.awsConfig()
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.kmsClients[region]; ok {
		return c, nil
	}
	c := kms.NewFromConfig(awsConfig, func(o *kms.Options) {
		o.Region = region
		if d.kmsEndpoint != "" {
			o.BaseEndpoint = aws.String(d.kmsEndpoint)
		}
		o.APIOptions = append(o.APIOptions, d.addRefusalExplanation)
	})
	d.kmsClients[region] = c
	return c, nil
}

// stsClient returns an STS client for a Region, honouring endpoints.sts.
func (d *providerData) stsClient(region string) (*sts.Client, error) {
	awsConfig, err := d.awsConfig()
	if err != nil {
		return nil, err
	}
	return d.newSTSClient(awsConfig, region), nil
}

// newSTSClient is stsClient over awsConfig.
func (d *providerData) newSTSClient(awsConfig aws.Config, region string) *sts.Client {
	return sts.NewFromConfig(awsConfig, func(o *sts.Options) {
		if d.stsEndpoint != "" {
			o.BaseEndpoint = aws.String(d.stsEndpoint)
		}
		if region != "" {
			o.Region = region
		}
		if o.Region == "" {
			// STS is global; any Regional endpoint works.
			o.Region = "us-east-1"
		}
	})
}

// checkCredentials resolves credentials once, so that a missing credential
// gives one clear diagnostic instead of an SDK error on every resource. It
// returns what is wrong, or "".
func (d *providerData) checkCredentials(ctx context.Context) string {
	d.credentialsOnce.Do(func() {
		awsConfig, err := d.awsConfig()
		if err != nil {
			d.credentialsProblem = awsConfigProblem(err)
			return
		}
		if awsConfig.Credentials == nil {
			d.credentialsProblem = noCredentialsHelp
			return
		}
		if _, err := awsConfig.Credentials.Retrieve(ctx); err != nil {
			d.credentialsProblem = noCredentialsHelp + "\n\nThe AWS SDK said: " + redactSecrets(err.Error())
		}
	})
	return d.credentialsProblem
}

const noCredentialsHelp = "The provider found no AWS credentials. Give it some in one of the usual ways: " +
	"the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, a profile (profile or AWS_PROFILE) in the shared " +
	"configuration or credentials files, AWS SSO (aws sso login), an instance or task role, or access_key and secret_key in the provider block."

// addCallLogging logs every AWS call at DEBUG: operation, Region, outcome
// and duration. It never logs headers or bodies, so signatures and
// credentials cannot leak into logs at any level.
func addCallLogging(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("amicopyCallLogging",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			start := time.Now()
			out, md, err := next.HandleInitialize(ctx, in)
			fields := map[string]any{
				"aws_service":   awsmiddleware.GetServiceID(ctx),
				"aws_operation": awsmiddleware.GetOperationName(ctx),
				"aws_region":    awsmiddleware.GetRegion(ctx),
				"duration_ms":   time.Since(start).Milliseconds(),
			}
			if err != nil {
				fields["error"] = redactSecrets(err.Error())
			}
			tflog.Debug(ctx, "AWS call", fields)
			return out, md, err
		}), middleware.After)
}

// providerModel is the provider's configuration.
type providerModel struct {
	AccessKey              types.String      `tfsdk:"access_key"`
	AssumeRole             *assumeRoleModel  `tfsdk:"assume_role"`
	DefaultTags            *defaultTagsModel `tfsdk:"default_tags"`
	Endpoints              *endpointsModel   `tfsdk:"endpoints"`
	MaxRetries             types.Int64       `tfsdk:"max_retries"`
	Profile                types.String      `tfsdk:"profile"`
	Region                 types.String      `tfsdk:"region"`
	SecretKey              types.String      `tfsdk:"secret_key"`
	SharedConfigFiles      []types.String    `tfsdk:"shared_config_files"`
	SharedCredentialsFiles []types.String    `tfsdk:"shared_credentials_files"`
	SkipPreflight          types.Bool        `tfsdk:"skip_preflight"`
	Token                  types.String      `tfsdk:"token"`
}

// iamRoleARNPattern is the shape of an IAM role ARN in any partition.
var iamRoleARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	Duration    types.String `tfsdk:"duration"`
	ExternalID  types.String `tfsdk:"external_id"`
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
}

// defaultTagsModel is the default_tags block.
type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

// endpointsModel is the endpoints block.
type endpointsModel struct {
	EC2 types.String `tfsdk:"ec2"`
	KMS types.String `tfsdk:"kms"`
	STS types.String `tfsdk:"sts"`
}
