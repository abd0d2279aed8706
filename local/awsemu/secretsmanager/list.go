package secretsmanager

import (
	"slices"
	"strconv"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type filter struct {
	Key    string
	Values []string
}

type listSecretsInput struct {
	Filters                []filter
	IncludePlannedDeletion bool
	MaxResults             int
	NextToken              string
	SortOrder              string
}

type listSecretsEntry struct {
	ARN                    string              `json:"ARN"`
	Name                   string              `json:"Name"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyId               string              `json:"KmsKeyId,omitempty"`
	Tags                   []tag               `json:"Tags,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	CreatedDate            *protocol.Epoch     `json:"CreatedDate,omitempty"`
	LastChangedDate        *protocol.Epoch     `json:"LastChangedDate,omitempty"`
	DeletedDate            *protocol.Epoch     `json:"DeletedDate,omitempty"`
}

type listSecretsOutput struct {
	SecretList []listSecretsEntry `json:"SecretList"`
	NextToken  string             `json:"NextToken,omitempty"`
}

var filterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}

// ListSecrets serves ListSecrets: secrets of the caller's account and
// region that match every filter (each a prefix match on any of its
// values, negated by a leading "!"), ordered by creation date.
func ListSecrets(c *protocol.Call) (any, error) {
	var in listSecretsInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if !slices.Contains(filterKeys, f.Key) {
			return nil, protocol.Errorf("InvalidParameterException", "Invalid filter key %q; valid keys are %s.", f.Key, strings.Join(filterKeys, ", "))
		}
	}
	if in.MaxResults == 0 {
		in.MaxResults = 100
	}
	if in.MaxResults < 1 || in.MaxResults > 100 {
		return nil, protocol.Errorf("InvalidParameterException", "MaxResults must be between 1 and 100.")
	}
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(in.NextToken)
		if err != nil || n < 0 {
			return nil, protocol.Errorf("InvalidNextTokenException", "The NextToken value is invalid.")
		}
		start = n
	}
	st := store(c)
	defer st.mu.Unlock()
	var matched []*secret
	for _, s := range st.secrets {
		if s.account != c.Account() || s.region != c.Region {
			continue
		}
		if s.scheduledForDeletion() && !in.IncludePlannedDeletion {
			continue
		}
		if s.matchesAll(in.Filters) {
			matched = append(matched, s)
		}
	}
	slices.SortFunc(matched, func(a, b *secret) int {
		if d := a.created.Compare(b.created); d != 0 {
			return d
		}
		return strings.Compare(a.name, b.name)
	})
	if strings.EqualFold(in.SortOrder, "desc") {
		slices.Reverse(matched)
	}
	out := listSecretsOutput{SecretList: []listSecretsEntry{}}
	for i := start; i < len(matched) && i < start+in.MaxResults; i++ {
		d := matched[i].describe()
		out.SecretList = append(out.SecretList, listSecretsEntry{
			ARN: d.ARN, Name: d.Name, Description: d.Description, KmsKeyId: d.KmsKeyId, Tags: d.Tags,
			SecretVersionsToStages: d.VersionIdsToStages, CreatedDate: d.CreatedDate,
			LastChangedDate: d.LastChangedDate, DeletedDate: d.DeletedDate,
		})
	}
	if start+in.MaxResults < len(matched) {
		out.NextToken = strconv.Itoa(start + in.MaxResults)
	}
	return out, nil
}

func (s *secret) matchesAll(filters []filter) bool {
	for _, f := range filters {
		if !s.matches(f) {
			return false
		}
	}
	return true
}

func (s *secret) matches(f filter) bool {
	var fields []string
	switch f.Key {
	case "name":
		fields = []string{s.name}
	case "description":
		fields = []string{s.description}
	case "primary-region":
		fields = []string{s.region}
	case "tag-key", "tag-value", "all":
		if f.Key == "all" {
			fields = append(fields, s.name, s.description)
		}
		for _, t := range s.tags {
			if f.Key != "tag-value" {
				fields = append(fields, t.Key)
			}
			if f.Key != "tag-key" {
				fields = append(fields, t.Value)
			}
		}
	}
	for _, v := range f.Values {
		want, negate := strings.CutPrefix(v, "!")
		hit := slices.ContainsFunc(fields, func(x string) bool { return strings.HasPrefix(x, want) })
		if hit != negate {
			return true
		}
	}
	return false
}
