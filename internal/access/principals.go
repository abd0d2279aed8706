package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// kind is the kind of IAM identity a policy is attached to.
type kind string

const (
	kindRole  kind = "role"
	kindUser  kind = "user"
	kindGroup kind = "group"
)

// property is the resource property that lists principals of kind k.
func (k kind) property() string {
	switch k {
	case kindRole:
		return "Roles"
	case kindUser:
		return "Users"
	}
	return "Groups"
}

// principal is a role, user or group named in the properties, by name or
// by ARN.
type principal struct {
	Kind kind
	Name string
	// Arn is the ARN as given, or "" when the principal was named.
	Arn string
}

// key identifies a principal for comparisons: IAM names are
// case-insensitive.
func (p principal) key() string { return string(p.Kind) + "/" + strings.ToLower(p.Name) }

func (p principal) String() string { return string(p.Kind) + " " + p.Name }

// readPrincipals reads Roles, Users and Groups.
func readPrincipals(p *customresource.PropertyReader) []principal {
	var out []principal
	seen := map[string]bool{}
	given := 0
	for _, k := range []kind{kindRole, kindUser, kindGroup} {
		for _, ref := range p.StringList(k.property()) {
			given++
			pr, ok := parsePrincipal(k, ref)
			if !ok {
				p.Fail(k.property(), fmt.Sprintf("%q is neither a %s name nor a %s ARN", ref, k, k), fmt.Sprintf("names or arn:<partition>:iam::<account>:%s/<path><name>", k))
				continue
			}
			if !seen[pr.key()] {
				seen[pr.key()] = true
				out = append(out, pr)
			}
		}
	}
	if given == 0 {
		p.Fail("Roles", "no principal is given", "at least one of Roles, Users or Groups")
	}
	return out
}

func parsePrincipal(k kind, ref string) (principal, bool) {
	if !awsarn.IsARN(ref) {
		return principal{Kind: k, Name: ref}, len(ref) <= 128 && iamNameRE.MatchString(ref)
	}
	a, err := awsarn.ParseIAM(ref, awsarn.IAMKind(k))
	if err != nil {
		return principal{}, false
	}
	return principal{Kind: k, Name: a.Name, Arn: ref}, iamNameRE.MatchString(a.Name)
}

// resolve checks, before anything is changed, that every principal exists
// in this account (and, when given by ARN, that the ARN is the one IAM
// knows, path included), and runs the principal guardrails on those for
// which check is true. It returns one PropertyError or guardrail
// Violation per problem.
func resolve(ctx context.Context, c Clients, loc location, ps []principal, check func(principal) bool) error {
	var errs []error
	for _, p := range ps {
		if p.Arn != "" {
			if a, _ := awsarn.Parse(p.Arn); a.Account != loc.Account {
				errs = append(errs, &customresource.PropertyError{Property: p.Kind.property(), Problem: fmt.Sprintf("%s is in account %s, not in this account %s", p.Arn, a.Account, loc.Account), Allowed: "principals of this account; for another account's roles use AssumeRoleArns"})
				continue
			}
		}
		arn, path, err := principalArn(ctx, c.IAM, p)
		switch {
		case awserr.IsNotFound(err):
			errs = append(errs, &customresource.PropertyError{Property: p.Kind.property(), Problem: fmt.Sprintf("%s does not exist in account %s", p, loc.Account), Allowed: fmt.Sprintf("names or ARNs of existing %ss", p.Kind)})
		case err != nil:
			return fmt.Errorf("looking up %s: %w", p, err)
		case p.Arn != "" && p.Arn != arn:
			errs = append(errs, &customresource.PropertyError{Property: p.Kind.property(), Problem: fmt.Sprintf("%s is not the ARN of %s, which is %s", p.Arn, p, arn), Allowed: "the ARN with the principal's path"})
		case check(p):
			if err := c.checkPrincipalFact(ctx, p, arn, path); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// principalArn returns the ARN and path IAM knows for p.
func principalArn(ctx context.Context, c IAMAPI, p principal) (arn, path string, err error) {
	switch p.Kind {
	case kindRole:
		out, err := findRole(ctx, c, p.Name)
		if err != nil {
			return "", "", err
		}
		return aws.ToString(out.Role.Arn), aws.ToString(out.Role.Path), nil
	case kindUser:
		out, err := findUser(ctx, c, p.Name)
		if err != nil {
			return "", "", err
		}
		return aws.ToString(out.User.Arn), aws.ToString(out.User.Path), nil
	}
	out, err := findGroup(ctx, c, p.Name)
	if err != nil {
		return "", "", err
	}
	return aws.ToString(out.Group.Arn), aws.ToString(out.Group.Path), nil
}

// tags returns the tags of a role or user.
func tags(ctx context.Context, c IAMAPI, p principal) (map[string]string, error) {
	out := map[string]string{}
	collect := func(list []iamtypes.Tag) {
		for _, t := range list {
			out[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	switch p.Kind {
	case kindRole:
		pages := iam.NewListRoleTagsPaginator(c, &iam.ListRoleTagsInput{RoleName: &p.Name})
		for pages.HasMorePages() {
			res, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing the tags of %s: %w", p, err)
			}
			collect(res.Tags)
		}
	case kindUser:
		pages := iam.NewListUserTagsPaginator(c, &iam.ListUserTagsInput{UserName: &p.Name})
		for pages.HasMorePages() {
			res, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing the tags of %s: %w", p, err)
			}
			collect(res.Tags)
		}
	default:
		return nil, fmt.Errorf("listing the tags of %s: %w", p, errGroupTags)
	}
	return out, nil
}

func tagPrincipal(ctx context.Context, c IAMAPI, p principal, add map[string]string) error {
	list := tagList(add)
	var err error
	switch p.Kind {
	case kindRole:
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: &p.Name, Tags: list})
	case kindUser:
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: &p.Name, Tags: list})
	default:
		err = errGroupTags
	}
	if err != nil {
		return fmt.Errorf("tagging %s: %w", p, err)
	}
	return nil
}

func untagPrincipal(ctx context.Context, c IAMAPI, p principal, keys ...string) error {
	var err error
	switch p.Kind {
	case kindRole:
		_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: &p.Name, TagKeys: keys})
	case kindUser:
		_, err = c.UntagUser(ctx, &iam.UntagUserInput{UserName: &p.Name, TagKeys: keys})
	default:
		err = errGroupTags
	}
	if err != nil {
		return fmt.Errorf("untagging %s: %w", p, err)
	}
	return nil
}

// errGroupTags is the mistake of asking for a group's tags: IAM groups
// have none, and their grants are recorded on a ledger (ledger.go).
var errGroupTags = errors.New("IAM groups have no tags")

// diffPrincipals returns the principals of next that are not in prev, and
// those of prev that are not in next.
func diffPrincipals(prev, next []principal) (added, removed []principal) {
	in := func(list []principal, p principal) bool {
		for _, q := range list {
			if q.key() == p.key() {
				return true
			}
		}
		return false
	}
	for _, p := range next {
		if !in(prev, p) {
			added = append(added, p)
		}
	}
	for _, p := range prev {
		if !in(next, p) {
			removed = append(removed, p)
		}
	}
	return added, removed
}

// dbUsers are the database users that the Data API maps IAM identities to
// for IAM-identity temporary credentials: IAM:<user> and IAMR:<role>.
func dbUsers(ps []principal) string {
	var out []string
	for _, p := range ps {
		switch p.Kind {
		case kindUser:
			out = append(out, "IAM:"+p.Name)
		case kindRole:
			out = append(out, "IAMR:"+p.Name)
		}
	}
	return strings.Join(out, ",")
}
