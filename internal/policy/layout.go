package policy

import "slices"

// Sids of the plain layout that fit merges, and of the statement it makes.
const (
	sidAPIUser       = "GetCredentialsForAPIUser"
	sidFederated     = "GetCredentialsWithFederatedIAMCredentials"
	sidClusterDBName = "GetCredentialsForDatabases"
)

// fit returns d as it is when it fits limit (without white space) and else
// a tighter layout that grants every action exactly the same resources,
// so that it widens nothing:
//
// GetCredentialsForAPIUser allows redshift:GetClusterCredentials on every
// dbname of the targets and on the API user's dbuser of each cluster;
// GetCredentialsWithFederatedIAMCredentials allows
// redshift:GetClusterCredentialsWithIAM on the same dbname resources. The
// dbname list, which grows with clusters times databases and dominates a
// large policy, is then written once, in a statement with both actions,
// and GetCredentialsForAPIUser keeps only the dbuser resources. A document
// that still does not fit is returned in the tighter layout, for Validate
// to refuse.
func fit(d Document, limit int) Document {
	if size(d) <= limit {
		return d
	}
	api := slices.IndexFunc(d.Statement, func(s Statement) bool { return s.Sid == sidAPIUser })
	fed := slices.IndexFunc(d.Statement, func(s Statement) bool { return s.Sid == sidFederated })
	if api < 0 || fed < 0 {
		return d
	}
	a, f := d.Statement[api], d.Statement[fed]
	if a.Effect != Allow || f.Effect != Allow || a.Condition != nil || f.Condition != nil {
		return d
	}
	var users Value
	for _, r := range a.Resource {
		if !slices.Contains(f.Resource, r) {
			users = append(users, r)
		}
	}
	// Every dbname of the federated statement must be in the API user's
	// statement, or the merged statement would give GetClusterCredentials
	// more.
	for _, r := range f.Resource {
		if !slices.Contains(a.Resource, r) {
			return d
		}
	}
	out := Document{Version: d.Version, ID: d.ID}
	for i, s := range d.Statement {
		switch i {
		case api:
			out.Statement = append(out.Statement, Statement{
				Sid: sidClusterDBName, Effect: Allow,
				Action:   append(slices.Clone(a.Action), f.Action...),
				Resource: slices.Clone(f.Resource),
			})
			if len(users) > 0 {
				out.Statement = append(out.Statement, Statement{Sid: sidAPIUser, Effect: Allow, Action: slices.Clone(a.Action), Resource: users})
			}
		case fed:
		default:
			out.Statement = append(out.Statement, s)
		}
	}
	return out
}

// size is the size of d as IAM counts it; an unencodable document counts
// as larger than any limit.
func size(d Document) int {
	text, err := d.JSON()
	if err != nil {
		return int(^uint(0) >> 1)
	}
	return Size(text)
}
