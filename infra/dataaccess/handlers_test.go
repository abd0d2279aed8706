package dataaccess

import (
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
)

// TestRolesGrantWhatTheHandlersCall keeps each role equal to the AWS calls
// its handler can make: the methods of the narrow client interfaces that
// the handler packages declare. A method added there without its permission,
// or a permission no handler uses, fails here.
func TestRolesGrantWhatTheHandlersCall(t *testing.T) {
	f := getFixture(t)
	// needsNoPermission are calls that IAM authorizes for every principal.
	needsNoPermission := map[string]bool{"sts:GetCallerIdentity": true}
	// alsoNeeded are permissions that IAM checks for a call besides the
	// call's own: CreatePolicy with Tags needs iam:TagPolicy, and
	// CreateVpcEndpoint with private DNS route53:AssociateVPCWithHostedZone.
	alsoNeeded := map[Function][]string{
		FunctionAccess:   {"iam:TagPolicy"},
		FunctionEndpoint: {"route53:AssociateVPCWithHostedZone"},
		// The Data API gets the admin's temporary credentials (DbUser) on
		// the caller's authority.
		FunctionDBUser: {"redshift:GetClusterCredentials"},
	}
	tests := map[Function]map[string]reflect.Type{
		FunctionSecret: {"secretsmanager": reflect.TypeFor[secret.Client]()},
		FunctionAccess: {
			"iam":                 reflect.TypeFor[access.IAMAPI](),
			"sts":                 reflect.TypeFor[access.STSAPI](),
			"redshift-serverless": reflect.TypeFor[access.ServerlessAPI](),
			"redshift":            reflect.TypeFor[access.RedshiftAPI](),
			"secretsmanager":      reflect.TypeFor[access.SecretsAPI](),
		},
		FunctionEndpoint: {"ec2": reflect.TypeFor[endpoint.EC2API]()},
		FunctionDBUser: {
			"redshift-data":  reflect.TypeFor[dbuser.DataClient](),
			"secretsmanager": reflect.TypeFor[dbuser.SecretsClient](),
		},
	}
	granted := roleStatements(f.templates[f.constructs])
	for fn, apis := range tests {
		t.Run(string(fn), func(t *testing.T) {
			wanted := map[string]bool{}
			for _, a := range alsoNeeded[fn] {
				wanted[a] = true
			}
			for service, api := range apis {
				for i := range api.NumMethod() {
					action := service + ":" + api.Method(i).Name
					if !needsNoPermission[action] {
						wanted[action] = true
					}
				}
			}
			want := slices.Sorted(maps.Keys(wanted))
			seen := map[string]bool{}
			var got []string
			for _, s := range granted[fn] {
				for _, a := range s.Actions {
					if !strings.HasPrefix(a, "logs:") && !seen[a] {
						seen[a] = true
						got = append(got, a)
					}
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("actions granted to the %s function (-calls +granted):\n%s", fn, diff)
			}
		})
	}
}

// TestHandlersAcceptConstructProperties parses the properties that the
// constructs synthesize with the handlers' own parsers, as the functions
// will receive them (without ServiceToken and ServiceTimeout, which the
// runtime leaves out).
func TestHandlersAcceptConstructProperties(t *testing.T) {
	f := getFixture(t)
	parse := map[string]func(map[string]any) error{
		SecretResourceType: func(p map[string]any) error {
			_, err := secret.ParseProperties(p)
			return err
		},
		EndpointResourceType: func(p map[string]any) error {
			_, err := endpoint.ParseProperties(p, "eu-west-1")
			return err
		},
		DatabaseUserResourceType: func(p map[string]any) error {
			_, err := dbuser.ParseProperties(p)
			return err
		},
	}
	tested := 0
	for id, r := range f.templates[f.constructs].Resources {
		fn, ok := parse[r.Type]
		if !ok {
			continue
		}
		tested++
		t.Run(id, func(t *testing.T) {
			props := map[string]any{}
			for k, v := range r.Properties {
				switch k {
				case "ServiceToken", "ServiceTimeout":
				case "Password":
					// CloudFormation resolves the dynamic reference first.
					props[k] = "Resolved-by-CloudFormation-1"
				case "AdminSecretArn", "PasswordSecretArn":
					// A secret's Arn attribute, resolved at deployment.
					if _, ok := v.(string); !ok {
						v = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:" + NamePrefix + "resolved-AbCdEf"
					}
					props[k] = v
				default:
					props[k] = v
				}
			}
			if err := fn(props); err != nil {
				t.Errorf("the %s handler rejects the properties of %s: %v", r.Type, id, err)
			}
		})
	}
	if tested < 6 {
		t.Errorf("parsed %d resources, want the fixture's two secrets, two endpoints and two database users at least", tested)
	}
}
