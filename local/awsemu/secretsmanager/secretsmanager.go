package secretsmanager

import (
	"crypto/rand"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// The staging labels Secrets Manager moves by itself.
const (
	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
)

// Recovery window bounds of DeleteSecret, in days.
const (
	minRecoveryDays     = 7
	maxRecoveryDays     = 30
	defaultRecoveryDays = 30
)

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type version struct {
	id           string
	secretString *string
	secretBinary []byte
	stages       []string
	created      time.Time
}

type secret struct {
	arn, name, account, region string
	description, kmsKeyID      string
	tags                       []tag
	versions                   map[string]*version
	created, lastChanged       time.Time
	// deletedDate is when DeleteSecret scheduled the deletion, deletionDate
	// when the secret is purged; both are zero for a live secret.
	deletedDate, deletionDate time.Time
}

func (s *secret) scheduledForDeletion() bool { return !s.deletedDate.IsZero() }

// tagMap is the secret's tags by key.
func (s *secret) tagMap() map[string]string {
	m := make(map[string]string, len(s.tags))
	for _, t := range s.tags {
		m[t.Key] = t.Value
	}
	return m
}

// versionByStage returns the version that carries stage, or nil.
func (s *secret) versionByStage(stage string) *version {
	for _, v := range s.versions {
		if slices.Contains(v.stages, stage) {
			return v
		}
	}
	return nil
}

// stagesMap is DescribeSecret's VersionIdsToStages: versions without a
// label are deprecated and not listed.
func (s *secret) stagesMap() map[string][]string {
	m := map[string][]string{}
	for id, v := range s.versions {
		if len(v.stages) > 0 {
			m[id] = slices.Clone(v.stages)
		}
	}
	return m
}

// addVersion stores a new version and moves the labels it takes from the
// versions that had them. When it takes AWSCURRENT, the version that had
// AWSCURRENT becomes AWSPREVIOUS.
func (s *secret) addVersion(v *version, now time.Time) {
	for _, stage := range v.stages {
		old := s.versionByStage(stage)
		if old == nil {
			continue
		}
		old.stages = slices.DeleteFunc(old.stages, func(x string) bool { return x == stage })
		if stage == stageCurrent {
			if prev := s.versionByStage(stagePrevious); prev != nil {
				prev.stages = slices.DeleteFunc(prev.stages, func(x string) bool { return x == stagePrevious })
			}
			old.stages = append(old.stages, stagePrevious)
		}
	}
	s.versions[v.id] = v
	s.lastChanged = now
}

func (s *secret) setTags(tags []tag) {
	for _, t := range tags {
		i := slices.IndexFunc(s.tags, func(x tag) bool { return x.Key == t.Key })
		if i >= 0 {
			s.tags[i].Value = t.Value
		} else {
			s.tags = append(s.tags, t)
		}
	}
}

type state struct {
	mu      sync.Mutex
	secrets map[string]*secret // by ARN
}

// store returns the Secrets Manager state, locked, after purging the
// secrets whose recovery window has ended. The caller must unlock it.
func store(c *protocol.Call) *state {
	st := protocol.State(c.Env, "secretsmanager", func() *state { return &state{secrets: map[string]*secret{}} })
	st.mu.Lock()
	now := c.Env.Now()
	for arn, s := range st.secrets {
		if s.scheduledForDeletion() && !now.Before(s.deletionDate) {
			delete(st.secrets, arn)
		}
	}
	return st
}

// byName returns the secret called name in the caller's account and region.
func (st *state) byName(c *protocol.Call, name string) *secret {
	for _, s := range st.secrets {
		if s.name == name && s.account == c.Account() && s.region == c.Region {
			return s
		}
	}
	return nil
}

// find resolves a SecretId: a name, a full ARN, or a partial ARN without
// the six random characters.
func (st *state) find(c *protocol.Call, id string) (*secret, error) {
	if id == "" {
		return nil, protocol.Errorf("InvalidParameterException", "SecretId is required.")
	}
	if s, ok := st.secrets[id]; ok && s.account == c.Account() {
		return s, nil
	}
	prefix := "arn:" + c.Partition() + ":secretsmanager:" + c.Region + ":" + c.Account() + ":secret:"
	name := id
	if rest, ok := strings.CutPrefix(id, prefix); ok {
		name = rest
	}
	if s := st.byName(c, name); s != nil {
		return s, nil
	}
	return nil, protocol.Errorf("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

// findLive is find for operations that a secret scheduled for deletion
// refuses.
func (st *state) findLive(c *protocol.Call, id string) (*secret, error) {
	s, err := st.find(c, id)
	if err != nil {
		return nil, err
	}
	if s.scheduledForDeletion() {
		return nil, protocol.Errorf("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
	}
	return s, nil
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)

const arnSuffixChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func newARN(c *protocol.Call, name string) string {
	var b strings.Builder
	for range 6 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(arnSuffixChars))))
		b.WriteByte(arnSuffixChars[n.Int64()])
	}
	return "arn:" + c.Partition() + ":secretsmanager:" + c.Region + ":" + c.Account() + ":secret:" + name + "-" + b.String()
}
