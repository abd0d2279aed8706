package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	redshifttypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// This file runs the provider owner's guardrails (internal/guardrail) on a
// Create or Update, before anything is changed: the pure checks on the
// properties first, then those that need facts read from AWS (clusters,
// secrets, principals).

// checkPrincipalLists checks Roles, Users and Groups as the request gave
// them, empty items included (the property reader drops those).
func checkPrincipalLists(g guardrail.Config, props map[string]any) error {
	for _, k := range []kind{kindRole, kindUser, kindGroup} {
		if err := g.CheckPrincipalList(k.property(), guardrail.RawList(props[k.property()])); err != nil {
			return err
		}
	}
	return nil
}

// checkScope runs the pure guardrails of the shared Data API properties.
// The syntactic half of SecretArns and DbUser is checked here; checkFacts
// does the rest once the properties are valid.
func checkScope(g guardrail.Config, loc location, s scopeProps) error {
	if err := g.CheckPolicyMode(s.Mode); err != nil {
		return err
	}
	if err := g.CheckTargets(s.Clusters, s.Workgroups); err != nil {
		return err
	}
	if s.Mode != ModeScoped {
		return nil
	}
	if err := g.CheckAssumeRoleArns(loc.Partition, loc.Account, s.AssumeRoleArns); err != nil {
		return err
	}
	if err := g.CheckSecretArns(loc.Partition, s.SecretArns, nil); err != nil {
		return err
	}
	return g.CheckDbUser(s.DbUser, nil)
}

// checkRole runs the pure guardrails of a CrossAccountRole.
func checkRole(g guardrail.Config, loc location, props map[string]any, rp roleProps) error {
	if err := g.CheckTrustedPrincipals(loc.Partition, rp.Trusted); err != nil {
		return err
	}
	if err := g.CheckExternalID(rp.ExternalID); err != nil {
		return err
	}
	if err := g.CheckPermissionsBoundary(rp.BoundaryArn); err != nil {
		return err
	}
	if err := guardrail.CheckProviderPath("RolePath", rawString(props, "RolePath")); err != nil {
		return err
	}
	return checkScope(g, loc, rp.Scope)
}

// addConditions adds the owner's trust conditions (aws:PrincipalOrgID) to
// every statement of a trust policy.
func addConditions(doc *policy.Document, conds map[string]map[string]string) {
	for i := range doc.Statement {
		st := &doc.Statement[i]
		for op, kv := range conds {
			if st.Condition == nil {
				st.Condition = policy.Condition{}
			}
			if st.Condition[op] == nil {
				st.Condition[op] = map[string]policy.Value{}
			}
			for k, v := range kv {
				st.Condition[op][k] = policy.Value{v}
			}
		}
	}
}

// checkFacts looks up the Scoped targets and secrets and runs the
// guardrails that need them: every cluster must exist in this account and
// region, DbUser must not be a master user of one, and every secret must
// exist and carry the RedshiftDataFullAccess tag (unless relaxed).
func (c Clients) checkFacts(ctx context.Context, loc location, s scopeProps) error {
	if s.Mode != ModeScoped {
		return nil
	}
	masters, err := c.masterUsers(ctx, loc, s.Clusters)
	if err != nil {
		return err
	}
	if err := c.Guardrails.CheckDbUser(s.DbUser, masters); err != nil {
		return err
	}
	facts, err := c.secretFacts(ctx, s.SecretArns)
	if err != nil {
		return err
	}
	return c.Guardrails.CheckSecretArns(loc.Partition, s.SecretArns, facts)
}

// masterUsers returns the master user of each cluster; a cluster that does
// not exist here is a PropertyError of Clusters.
func (c Clients) masterUsers(ctx context.Context, loc location, clusters []string) ([]string, error) {
	var masters []string
	var errs []error
	for _, ref := range clusters {
		id := ref
		if awsarn.IsARN(ref) {
			a, err := awsarn.ParseCluster(ref)
			if err != nil {
				return nil, fmt.Errorf("reading cluster ARN %s: %w", ref, err)
			}
			if a.Account != loc.Account || a.Region != loc.Region || a.Partition != loc.Partition {
				errs = append(errs, &customresource.PropertyError{Property: "Clusters", Problem: fmt.Sprintf("cluster %s is not in this account and region", ref), Allowed: "identifiers or ARNs of existing clusters of this account and region"})
				continue
			}
			id = a.ID
		}
		if c.Redshift == nil {
			return nil, fmt.Errorf("looking up cluster %s: no Redshift client", ref)
		}
		out, err := c.Redshift.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String(id)})
		switch {
		case isClusterNotFound(err) || err == nil && len(out.Clusters) == 0:
			errs = append(errs, &customresource.PropertyError{Property: "Clusters", Problem: fmt.Sprintf("cluster %s does not exist", ref), Allowed: "identifiers or ARNs of existing clusters"})
		case err != nil:
			return nil, fmt.Errorf("looking up cluster %s: %w", ref, err)
		default:
			for _, cl := range out.Clusters {
				masters = append(masters, aws.ToString(cl.MasterUsername))
			}
		}
	}
	return masters, errors.Join(errs...)
}

func isClusterNotFound(err error) bool {
	var nf *redshifttypes.ClusterNotFoundFault
	return errors.As(err, &nf) || awserr.IsNotFound(err)
}

// secretFacts describes each secret of arns.
func (c Clients) secretFacts(ctx context.Context, arns []string) (map[string]guardrail.SecretFact, error) {
	facts := map[string]guardrail.SecretFact{}
	for _, a := range arns {
		if c.Secrets == nil {
			return nil, fmt.Errorf("looking up secret %s: no Secrets Manager client", a)
		}
		out, err := c.Secrets.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(a)})
		switch {
		case awserr.IsNotFound(err) || isAccessDenied(err):
			// The provider's role may describe only tagged secrets; to it
			// an untagged one is as good as absent.
			facts[a] = guardrail.SecretFact{}
			continue
		case err != nil:
			return nil, fmt.Errorf("looking up secret %s: %w", a, err)
		}
		// DescribeSecret also finds a secret by a partial ARN or its name;
		// only the exact ARN it answers with is the secret the policy names.
		f := guardrail.SecretFact{Found: aws.ToString(out.ARN) == a && out.DeletedDate == nil}
		for _, t := range out.Tags {
			f.DataAPITagged = f.DataAPITagged || aws.ToString(t.Key) == policy.TagKey
		}
		facts[a] = f
	}
	return facts, nil
}

func isAccessDenied(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "AccessDeniedException" || api.ErrorCode() == "AccessDenied")
}

// checkPrincipalFact runs the guardrail on one principal looked up in IAM.
func (c Clients) checkPrincipalFact(ctx context.Context, p principal, arn, path string) error {
	fact := guardrail.PrincipalFact{Property: p.Kind.property(), Name: p.Name, Found: true, Arn: arn, Path: path}
	if p.Arn != "" {
		fact.Name = p.Arn
	}
	if c.Guardrails.PrincipalTagKey != "" && p.Kind != kindGroup {
		t, err := tags(ctx, c.IAM, p)
		if err != nil {
			return err
		}
		fact.Tags = t
	}
	return c.Guardrails.CheckPrincipal(fact)
}

// rawString is a string property as given, or "" when it is absent or not
// a string (the property reader reports that).
func rawString(props map[string]any, name string) string {
	s, _ := props[name].(string)
	return s
}
