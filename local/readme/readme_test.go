package readme

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	rsstypes "github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// The custom resource types whose examples the README and the guides under
// docs/ must keep valid.
const (
	secretType      = "Custom::RedshiftDataApiSecret"
	accessType      = access.AccessType
	crossAcctType   = "Custom::RedshiftDataApiCrossAccountRole"
	endpointType    = "Custom::RedshiftDataApiEndpoint"
	dbuserType      = dbuser.ResourceType
	repoRoot        = "../.."
	stackID         = "arn:aws:cloudformation:us-east-1:111111111111:stack/readme/4a2b6c8e-1111-2222-3333-444455556666"
	secretArnPrefix = "arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift-data-api/"
)

var customTypes = []string{secretType, accessType, crossAcctType, endpointType, dbuserType}

// readmeTypes are the types of which README.md shows a whole template.
var readmeTypes = []string{secretType, accessType, crossAcctType, endpointType, dbuserType}

// serviceTokenExports are the provider stack's export names under its
// default name, which the infra package's tests pin.
var serviceTokenExports = map[string]string{
	secretType:    "RedshiftDataApiProvider-SecretServiceToken",
	accessType:    "RedshiftDataApiProvider-AccessServiceToken",
	crossAcctType: "RedshiftDataApiProvider-AccessServiceToken",
	endpointType:  "RedshiftDataApiProvider-EndpointServiceToken",
	dbuserType:    "RedshiftDataApiProvider-DatabaseUserServiceToken",
}

// guides are the reference guide of each type, which must show an example
// of it.
var guides = map[string]string{
	secretType:    "docs/resources/secret.md",
	accessType:    "docs/resources/access.md",
	crossAcctType: "docs/resources/crossaccountrole.md",
	endpointType:  "docs/resources/endpoint.md",
	dbuserType:    "docs/resources/dbuser.md",
}

// resource is one custom resource of a README example, its properties
// resolved to what the handler would receive.
type resource struct {
	Type       string
	Properties map[string]any
	// ImportedToken is the export a !ImportValue ServiceToken names.
	ImportedToken string
}

// getAtt is one Fn::GetAtt: a logical ID and an attribute name.
type getAtt struct {
	Resource, Attribute string
}

// template is one yaml block of a Markdown file.
type template struct {
	File string // relative to the repository's root
	Line int    // of the opening fence in File
	// Example is a whole template of examples/, which must deploy as it
	// stands: its ServiceTokens import the provider stack's exports.
	Example   bool
	Resources map[string]resource
	GetAtts   []getAtt
}

// TestREADMEExamples gives the properties of every example in README.md,
// the guides under docs/ and examples/ to the handler of its type: the
// property parsers of the secret, endpoint and database user resources,
// which need no AWS, and Create of the access resources against the local
// emulator, with the principals and workgroups the example names created
// first. The attributes every Create returns (for the parsed types, those of
// one Create of a minimal resource of the type) are then the only ones an
// example may read with Fn::GetAtt.
func TestREADMEExamples(t *testing.T) {
	templates := readTemplates(t)
	srv := awsemu.Start()
	defer srv.Close()
	ctx := t.Context()
	w, err := prerequisites.Build(ctx, srv)
	if err != nil {
		t.Fatalf("building the emulator's prerequisites: %v", err)
	}

	attributes := map[string]map[string]bool{
		secretType:   dataKeys(t, createSecret(ctx, t, srv)),
		endpointType: dataKeys(t, createEndpoint(ctx, t, srv, w)),
		dbuserType:   dataKeys(t, createDbUser(ctx, t, srv)),
	}
	seen := map[string]int{}
	seenIn := map[string]map[string]int{} // file -> type -> examples
	for _, tpl := range templates {
		for _, id := range slices.Sorted(maps.Keys(tpl.Resources)) {
			r := tpl.Resources[id]
			if !slices.Contains(customTypes, r.Type) {
				continue
			}
			seen[r.Type]++
			if seenIn[tpl.File] == nil {
				seenIn[tpl.File] = map[string]int{}
			}
			seenIn[tpl.File][r.Type]++
			t.Run(fmt.Sprintf("%s line %d %s", tpl.File, tpl.Line, id), func(t *testing.T) {
				if tpl.Example && r.ImportedToken == "" {
					t.Errorf("%s: %s's ServiceToken imports no export; an example imports %q", tpl.File, id, serviceTokenExports[r.Type])
				}
				if r.ImportedToken != "" && r.ImportedToken != serviceTokenExports[r.Type] {
					t.Errorf("%s line %d: %s imports its ServiceToken from %q; the provider stack exports %q", tpl.File, tpl.Line, id, r.ImportedToken, serviceTokenExports[r.Type])
				}
				result, err := validate(ctx, t, srv, id, r)
				if err != nil {
					t.Fatalf("%s line %d: %s (%s) would be rejected: %v", tpl.File, tpl.Line, id, r.Type, err)
				}
				if result != nil {
					if attributes[r.Type] == nil {
						attributes[r.Type] = map[string]bool{}
					}
					maps.Copy(attributes[r.Type], dataKeys(t, *result))
				}
			})
		}
	}
	for _, tpl := range templates {
		if tpl.Example && len(seenIn[tpl.File]) == 0 {
			t.Errorf("%s declares no custom resource of %v", tpl.File, customTypes)
		}
	}
	for _, typ := range customTypes {
		if seen[typ] == 0 {
			t.Errorf("README.md and docs/ have no yaml example of %s; the extraction may be broken", typ)
		}
		if guide := guides[typ]; seenIn[guide][typ] == 0 {
			t.Errorf("%s, the guide of %s, has no yaml example of it", guide, typ)
		}
	}

	for _, tpl := range templates {
		for _, g := range tpl.GetAtts {
			r, ok := tpl.Resources[g.Resource]
			if !ok || !slices.Contains(customTypes, r.Type) || attributes[r.Type] == nil {
				continue // not a custom resource, or its Create failed above
			}
			if !attributes[r.Type][g.Attribute] {
				t.Errorf("%s line %d: !GetAtt %s.%s: %s returns no attribute %q; it returns %v",
					tpl.File, tpl.Line, g.Resource, g.Attribute, r.Type, g.Attribute, slices.Sorted(maps.Keys(attributes[r.Type])))
			}
		}
	}
}

// validate runs r's properties through its handler. For the access types
// it returns the result of Create.
func validate(ctx context.Context, t *testing.T, srv *awsemu.Server, id string, r resource) (*customresource.Result, error) {
	switch r.Type {
	case secretType:
		_, err := secret.ParseProperties(r.Properties)
		return nil, err
	case endpointType:
		_, err := endpoint.ParseProperties(r.Properties, srv.Region())
		return nil, err
	case dbuserType:
		_, err := dbuser.ParseProperties(r.Properties)
		return nil, err
	}
	// The seed's cross-account role lives in the account that owns the
	// cluster, account B; its trusted principals are in account A.
	account := awsemu.AccountA
	if r.Type == crossAcctType {
		account = awsemu.AccountB
	}
	createPrerequisites(ctx, t, srv, account, r.Properties)
	cfg := srv.Config(account)
	clients := access.NewClients(cfg, guardrail.Config{})
	var res customresource.Resource = access.NewAccess(clients)
	if r.Type == crossAcctType {
		res = access.NewCrossAccountRole(clients)
	}
	result, err := res.Create(ctx, request(id, r))
	if err != nil {
		return nil, err
	}
	return &result, nil
}

func request(id string, r resource) customresource.Request {
	return customresource.Request{
		Action:            customresource.ActionCreate,
		RequestID:         "readme-" + id,
		StackID:           stackID,
		LogicalResourceID: id,
		ResourceType:      r.Type,
		Properties:        r.Properties,
	}
}

// createPrerequisites creates, in account, the roles, users, groups and
// workgroups that props names, and in their own accounts the roles that
// TrustedPrincipalArns names: the README assumes they exist.
func createPrerequisites(ctx context.Context, t *testing.T, srv *awsemu.Server, account string, props map[string]any) {
	t.Helper()
	c := iam.NewFromConfig(srv.Config(account))
	for _, ref := range names(props["Roles"]) {
		createRole(ctx, t, c, ref)
	}
	for _, ref := range names(props["TrustedPrincipalArns"]) {
		if a := strings.Split(ref, ":"); len(a) == 6 && strings.HasPrefix(a[5], "role/") {
			createRole(ctx, t, iam.NewFromConfig(srv.Config(a[4])), ref)
		}
	}
	for _, ref := range names(props["Users"]) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(lastSegment(ref))})
		ignoreExists(t, "creating user "+ref, err)
	}
	for _, ref := range names(props["Groups"]) {
		_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(lastSegment(ref))})
		ignoreExists(t, "creating group "+ref, err)
	}
	// A secret ARN ends in characters Secrets Manager chooses: the
	// placeholders become the ARNs of secrets made under their names, with
	// the RedshiftDataFullAccess tag the guardrails require.
	if refs := names(props["SecretArns"]); len(refs) > 0 {
		sm := secretsmanager.NewFromConfig(srv.Config(account))
		arns := make([]any, len(refs))
		for i, ref := range refs {
			_, name, _ := strings.Cut(ref, ":secret:")
			name = strings.TrimSuffix(name, "-AbCdEf")
			out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(`{"username":"readme"}`),
				Tags: []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("serverless")}}})
			if err != nil {
				t.Fatalf("creating secret %s: %v", name, err)
			}
			arns[i] = aws.ToString(out.ARN)
		}
		props["SecretArns"] = arns
	}
	rss := redshiftserverless.NewFromConfig(srv.Config(account))
	for _, name := range names(props["Workgroups"]) {
		if strings.HasPrefix(name, "arn:") {
			continue
		}
		_, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String(name + "-ns")})
		ignoreExists(t, "creating namespace "+name, err)
		_, err = rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String(name), NamespaceName: aws.String(name + "-ns")})
		ignoreExists(t, "creating workgroup "+name, err)
	}
}

const anyoneInAccountA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`

// createRole creates the role that ref names, a name or an ARN with a path.
func createRole(ctx context.Context, t *testing.T, c *iam.Client, ref string) {
	t.Helper()
	path, name := "/", ref
	if _, rest, ok := strings.Cut(ref, ":role/"); ok {
		i := strings.LastIndex(rest, "/")
		path, name = "/"+rest[:i+1], rest[i+1:]
		path = strings.ReplaceAll(path, "//", "/")
	}
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(anyoneInAccountA)})
	ignoreExists(t, "creating role "+ref, err)
}

func ignoreExists(t *testing.T, what string, err error) {
	t.Helper()
	var exists *iamtypes.EntityAlreadyExistsException
	var conflict *rsstypes.ConflictException
	if err != nil && !errors.As(err, &exists) && !errors.As(err, &conflict) {
		t.Fatalf("%s: %v", what, err)
	}
}

// names reads a list property as CloudFormation sends it: a list of
// strings, or one comma-separated string.
func names(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Split(v, ",")
	case []any:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = fmt.Sprint(s)
		}
		return out
	}
	return nil
}

func lastSegment(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// createSecret creates a minimal secret, for the attributes a secret returns.
func createSecret(ctx context.Context, t *testing.T, srv *awsemu.Server) customresource.Result {
	t.Helper()
	r := resource{Type: secretType, Properties: map[string]any{"WorkgroupName": prerequisites.WorkgroupName, "Username": "readme"}}
	got, err := secret.New(secretsmanager.NewFromConfig(srv.Config(awsemu.AccountA)), srv.Region()).Create(ctx, request("AttributesSecret", r))
	if err != nil {
		t.Fatalf("creating a secret for its attributes: %v", err)
	}
	return got
}

// createDbUser creates a minimal database user on the emulator's cluster,
// through its administrator's temporary credentials, for the attributes a
// database user returns.
func createDbUser(ctx context.Context, t *testing.T, srv *awsemu.Server) customresource.Result {
	t.Helper()
	r := resource{Type: dbuserType, Properties: map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "AdminDbUser": "awsuser", "UserName": "readme_user"}}
	cfg := srv.Config(awsemu.AccountA)
	got, err := dbuser.New(redshiftdata.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg)).Create(ctx, request("AttributesDbUser", r))
	if err != nil {
		t.Fatalf("creating a database user for its attributes: %v", err)
	}
	return got
}

// createEndpoint creates a minimal endpoint, for the attributes an endpoint
// returns.
func createEndpoint(ctx context.Context, t *testing.T, srv *awsemu.Server, w *prerequisites.World) customresource.Result {
	t.Helper()
	r := resource{Type: endpointType, Properties: map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA}}}
	got, err := endpoint.New(ec2.NewFromConfig(srv.Config(awsemu.AccountA)), srv.Region()).Create(ctx, request("AttributesEndpoint", r))
	if err != nil {
		t.Fatalf("creating an endpoint for its attributes: %v", err)
	}
	return got
}

func dataKeys(t *testing.T, r customresource.Result) map[string]bool {
	t.Helper()
	if len(r.Data) == 0 {
		t.Fatalf("Create of %s returned no attributes", r.PhysicalResourceID)
	}
	out := map[string]bool{}
	for k := range r.Data {
		out[k] = true
	}
	return out
}

// markdownFiles are the files whose yaml blocks readTemplates reads:
// README.md and every guide under docs/.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	err := fs.WalkDir(os.DirFS(repoRoot), "docs", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("listing docs/: %v", err)
	}
	return files
}

// readTemplates parses every yaml block of README.md and of the guides
// under docs/, and every template of examples/.
func readTemplates(t *testing.T) []template {
	t.Helper()
	out := readExamples(t)
	for _, file := range markdownFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatalf("reading %s: %v", file, err)
		}
		for _, b := range yamlBlocks(text) {
			tpl, err := parseTemplate(b.body)
			if err != nil {
				t.Fatalf("%s line %d: %v", file, b.line, err)
			}
			tpl.File, tpl.Line = file, b.line
			out = append(out, tpl)
		}
	}
	return out
}

// readExamples parses every template of examples/, each a whole file.
func readExamples(t *testing.T) []template {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("examples/ holds no template (%v)", err)
	}
	var out []template
	for _, path := range files {
		file, _ := filepath.Rel(repoRoot, path)
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading %s: %v", file, err)
		}
		tpl, err := parseTemplate(body)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		tpl.File, tpl.Line, tpl.Example = filepath.ToSlash(file), 1, true
		out = append(out, tpl)
	}
	return out
}

type block struct {
	line int
	body []byte
}

// yamlBlocks returns the contents of the ```yaml fences of a Markdown text.
func yamlBlocks(text []byte) []block {
	var out []block
	var cur *block
	s := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```yaml":
			cur = &block{line: n}
		case cur != nil && strings.TrimSpace(line) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.body = append(cur.body, line+"\n"...)
		}
	}
	return out
}

// parseTemplate reads a template, or a fragment whose top level holds
// resources beside Outputs.
func parseTemplate(body []byte) (template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(body, &doc); err != nil {
		return template{}, fmt.Errorf("parsing yaml: %w", err)
	}
	tpl := template{Resources: map[string]resource{}}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return tpl, nil
	}
	root := doc.Content[0]
	resources := root
	if r := lookup(root, "Resources"); r != nil {
		resources = r
	}
	defaults := parameterDefaults(root)
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, node := resources.Content[i].Value, resources.Content[i+1]
		typ := lookup(node, "Type")
		if typ == nil {
			continue
		}
		r := resource{Type: typ.Value, Properties: map[string]any{}}
		if p := lookup(node, "Properties"); p != nil {
			for j := 0; j+1 < len(p.Content); j += 2 {
				key, value := p.Content[j].Value, p.Content[j+1]
				switch key {
				case "ServiceToken":
					r.ImportedToken = importedExport(value, defaults)
				case "ServiceTimeout":
					// CloudFormation's, left out by the runtime.
				default:
					r.Properties[key] = resolve(value, key, defaults)
				}
			}
		}
		tpl.Resources[id] = r
	}
	tpl.GetAtts = getAtts(root)
	return tpl, nil
}

// parameterDefaults maps each parameter of a template to its Default.
func parameterDefaults(root *yaml.Node) map[string]string {
	out := map[string]string{}
	params := lookup(root, "Parameters")
	if params == nil {
		return out
	}
	for i := 0; i+1 < len(params.Content); i += 2 {
		if d := lookup(params.Content[i+1], "Default"); d != nil && d.Kind == yaml.ScalarNode {
			out[params.Content[i].Value] = d.Value
		}
	}
	return out
}

var subReference = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)\}`)

// importedExport is the export name a ServiceToken imports: the argument of
// !ImportValue or Fn::ImportValue, where a !Sub argument has its parameters
// replaced by their defaults. It is "" when the token imports nothing.
func importedExport(n *yaml.Node, defaults map[string]string) string {
	arg := n
	switch {
	case n.Tag == "!ImportValue":
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::ImportValue":
		arg = n.Content[1]
	default:
		return ""
	}
	if arg.Kind != yaml.ScalarNode {
		return ""
	}
	if arg.Tag != "!Sub" {
		return arg.Value
	}
	return subReference.ReplaceAllStringFunc(arg.Value, func(ref string) string {
		if d, ok := defaults[ref[2:len(ref)-1]]; ok {
			return d
		}
		return ref
	})
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// resolve turns n into what CloudFormation sends a custom resource:
// scalars as strings, lists and objects as they are, a Ref to a parameter
// with a Default as that default, and every other intrinsic function as a
// placeholder that fits property prop.
func resolve(n *yaml.Node, prop string, defaults map[string]string) any {
	if n.Kind == yaml.AliasNode {
		return resolve(n.Alias, prop, defaults)
	}
	if n.Tag == "!Ref" && n.Kind == yaml.ScalarNode {
		if d, ok := defaults[n.Value]; ok {
			return d
		}
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return placeholder(prop, intrinsicArgument(n))
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = resolve(c, prop, defaults)
		}
		return out
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "Ref" {
			if d, ok := defaults[n.Content[1].Value]; ok {
				return d
			}
		}
		if len(n.Content) == 2 && (n.Content[0].Value == "Ref" || strings.HasPrefix(n.Content[0].Value, "Fn::")) {
			return placeholder(prop, intrinsicArgument(n.Content[1]))
		}
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = resolve(n.Content[i+1], prop, defaults)
		}
		return out
	}
	return n.Value
}

// intrinsicArgument names what an intrinsic function refers to: the
// scalar argument, or the first scalar of a list argument.
func intrinsicArgument(n *yaml.Node) string {
	for n.Kind != yaml.ScalarNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return n.Value
}

// placeholder is a value of the shape property prop needs, distinct per
// reference ref.
func placeholder(prop, ref string) string {
	sum := sha256.Sum256([]byte(ref))
	id := hex.EncodeToString(sum[:4])
	switch prop {
	case "VpcId":
		return "vpc-" + id
	case "SubnetIds":
		return "subnet-" + id
	case "SecurityGroupIds":
		return "sg-" + id
	case "Password":
		return "Placeholder1" + id
	case "DbUser":
		// The examples pass a database user resource's DbUser attribute,
		// the seed's user, which is also the only one the guardrails allow
		// by default.
		return "redshift_data_api_user"
	case "SecretArns", "AdminSecretArn", "PasswordSecretArn":
		return secretArnPrefix + id + "-AbCdEf"
	case "IamIdentityArn":
		return "arn:aws:iam::111111111111:role/" + id
	case "TrustedPrincipalArns":
		return "arn:aws:iam::111111111111:role/" + id
	case "AssumeRoleArns":
		// A role of another account: the guardrails refuse sts:AssumeRole
		// inside the caller's own account.
		return "arn:aws:iam::222222222222:role/" + id
	}
	return strings.ReplaceAll(ref, ".", "-")
}

var subAttribute = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}`)

// getAtts finds every attribute reference under n: !GetAtt in its short
// and long forms, and ${Resource.Attribute} in !Sub strings.
func getAtts(n *yaml.Node) []getAtt {
	var out []getAtt
	add := func(arg *yaml.Node) {
		switch {
		case arg.Kind == yaml.ScalarNode:
			if id, attr, ok := strings.Cut(arg.Value, "."); ok {
				out = append(out, getAtt{id, attr})
			}
		case arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
			out = append(out, getAtt{arg.Content[0].Value, arg.Content[1].Value})
		}
	}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		switch {
		case n.Tag == "!GetAtt":
			add(n)
			return
		case n.Tag == "!Sub" && n.Kind == yaml.ScalarNode:
			for _, m := range subAttribute.FindAllStringSubmatch(n.Value, -1) {
				out = append(out, getAtt{m[1], m[2]})
			}
		case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::GetAtt":
			add(n.Content[1])
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

// TestParseTemplate checks the extraction itself, so that a README example
// cannot pass by being read as nothing.
func TestParseTemplate(t *testing.T) {
	tests := map[string]struct {
		yaml string
		want template
	}{
		"full template with short forms": {
			yaml: "Resources:\n  S:\n    Type: Custom::RedshiftDataApiSecret\n    Properties:\n      ServiceToken: !ImportValue X\n      Username: !Ref User\n      Port: 5439\n      SubnetIds: [!Ref A]\n" +
				"Outputs:\n  O: {Value: !GetAtt S.Arn}\n  P: {Value: !Sub '${S.Name}/x'}\n",
			want: template{
				Resources: map[string]resource{"S": {
					Type:          secretType,
					Properties:    map[string]any{"Username": "User", "Port": "5439", "SubnetIds": []any{placeholder("SubnetIds", "A")}},
					ImportedToken: "X",
				}},
				GetAtts: []getAtt{{"S", "Arn"}, {"S", "Name"}},
			},
		},
		"fragment with long forms": {
			yaml: "A:\n  Type: Custom::RedshiftDataApiAccess\n  Properties:\n    Roles: [{Ref: R}]\n    SecretArns: [{\"Fn::GetAtt\": [S, Arn]}]\n" +
				"Outputs:\n  O: {Value: {\"Fn::GetAtt\": [A, PolicyArn]}}\n",
			want: template{
				Resources: map[string]resource{"A": {Type: accessType, Properties: map[string]any{"Roles": []any{"R"}, "SecretArns": []any{placeholder("SecretArns", "S")}}}},
				GetAtts:   []getAtt{{"S", "Arn"}, {"A", "PolicyArn"}},
			},
		},
		"import of a Sub over a parameter default": {
			yaml: "Parameters:\n  P: {Type: String, Default: Prov}\nResources:\n  E:\n    Type: Custom::RedshiftDataApiEndpoint\n    Properties:\n      ServiceToken:\n        Fn::ImportValue: !Sub '${P}-EndpointServiceToken'\n      SubnetIds: !Ref S\n      VpcId: {Ref: P}\n",
			want: template{
				Resources: map[string]resource{"E": {
					Type:          endpointType,
					Properties:    map[string]any{"SubnetIds": placeholder("SubnetIds", "S"), "VpcId": "Prov"},
					ImportedToken: "Prov-EndpointServiceToken",
				}},
			},
		},
		"no resources": {
			yaml: "Parameters:\n  P: {Type: String}\n",
			want: template{Resources: map[string]resource{}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parseTemplate([]byte(tc.yaml))
			if err != nil {
				t.Fatalf("parseTemplate: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseTemplate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestREADMETemplatesAreExamples checks that every whole template that
// README.md or a guide under docs/ shows (a yaml block with
// AWSTemplateFormatVersion) is, byte for byte, a file of examples/: those
// are the templates cfn-lint checks and TestREADMEExamples runs as whole
// files, so no page can show a fragment as a template or drift from the
// file it names. README.md must show a whole template of each of
// readmeTypes.
func TestREADMETemplatesAreExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string]string{} // content -> file
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		examples[string(b)] = filepath.Base(f)
	}
	readmeShows := map[string]bool{} // types of README.md's whole templates
	for _, file := range markdownFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range yamlBlocks(text) {
			if !bytes.HasPrefix(b.body, []byte("AWSTemplateFormatVersion:")) {
				continue
			}
			if _, ok := examples[string(b.body)]; !ok {
				t.Errorf("%s line %d: this template is not a copy of any file of examples/; copy the file it stands for", file, b.line)
			}
			if file != "README.md" {
				continue
			}
			tpl, err := parseTemplate(b.body)
			if err != nil {
				t.Fatalf("%s line %d: %v", file, b.line, err)
			}
			for _, r := range tpl.Resources {
				readmeShows[r.Type] = true
			}
		}
	}
	for _, typ := range readmeTypes {
		if !readmeShows[typ] {
			t.Errorf("README.md shows no whole template of %s; it must show one per resource type %v", typ, readmeTypes)
		}
	}
}
