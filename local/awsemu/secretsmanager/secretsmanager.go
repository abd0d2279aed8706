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

// Secrets Manager keeps each secret's versions with staging labels, as AWS
// does: a new value becomes AWSCURRENT, the one before it AWSPREVIOUS. A
// deleted secret stays (and blocks its name) until its recovery window
// ends, measured on the emulator clock; a forced deletion frees the name at
// once.

// The staging labels Secrets Manager moves by itself.
const (
	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
)

// Recovery window bounds of DeleteSecret, in days.
const (
	smMinRecoveryDays     = 7
	smMaxRecoveryDays     = 30
	smDefaultRecoveryDays = 30
)

type smTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type smVersion struct {
	id           string
	secretString *string
	secretBinary []byte
	stages       []string
	created      time.Time
}

type smSecret struct {
	arn, name, account, region string
	description, kmsKeyID      string
	tags                       []smTag
	versions                   map[string]*smVersion
	created, lastChanged       time.Time
	// deletedDate is when DeleteSecret scheduled the deletion, deletionDate
	// when the secret is purged; both are zero for a live secret.
	deletedDate, deletionDate time.Time
}

func (s *smSecret) scheduledForDeletion() bool { return !s.deletedDate.IsZero() }

// versionByStage returns the version that carries stage, or nil.
func (s *smSecret) versionByStage(stage string) *smVersion {
	for _, v := range s.versions {
		if slices.Contains(v.stages, stage) {
			return v
		}
	}
	return nil
}

// stagesMap is DescribeSecret's VersionIdsToStages: versions without a
// label are deprecated and not listed.
func (s *smSecret) stagesMap() map[string][]string {
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
func (s *smSecret) addVersion(v *smVersion, now time.Time) {
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

func (s *smSecret) setTags(tags []smTag) {
	for _, t := range tags {
		i := slices.IndexFunc(s.tags, func(x smTag) bool { return x.Key == t.Key })
		if i >= 0 {
			s.tags[i].Value = t.Value
		} else {
			s.tags = append(s.tags, t)
		}
	}
}

type smState struct {
	mu      sync.Mutex
	secrets map[string]*smSecret // by ARN
}

// smStore returns the Secrets Manager state, locked, after purging the
// secrets whose recovery window has ended. The caller must unlock it.
func smStore(c *protocol.Call) *smState {
	st := protocol.State(c.Env, "secretsmanager", func() *smState { return &smState{secrets: map[string]*smSecret{}} })
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
func (st *smState) byName(c *protocol.Call, name string) *smSecret {
	for _, s := range st.secrets {
		if s.name == name && s.account == c.Account() && s.region == c.Region {
			return s
		}
	}
	return nil
}

// find resolves a SecretId: a name, a full ARN, or a partial ARN without
// the six random characters.
func (st *smState) find(c *protocol.Call, id string) (*smSecret, error) {
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
func (st *smState) findLive(c *protocol.Call, id string) (*smSecret, error) {
	s, err := st.find(c, id)
	if err != nil {
		return nil, err
	}
	if s.scheduledForDeletion() {
		return nil, protocol.Errorf("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
	}
	return s, nil
}

var smNamePattern = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)

const smARNSuffixChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func smNewARN(c *protocol.Call, name string) string {
	var b strings.Builder
	for range 6 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(smARNSuffixChars))))
		b.WriteByte(smARNSuffixChars[n.Int64()])
	}
	return "arn:" + c.Partition() + ":secretsmanager:" + c.Region + ":" + c.Account() + ":secret:" + name + "-" + b.String()
}

// smTime is a timestamp as awsJson1_1 encodes it: epoch seconds.
type smTime float64

func smTimestamp(t time.Time) *smTime {
	if t.IsZero() {
		return nil
	}
	v := smTime(float64(t.UnixMilli()) / 1000)
	return &v
}
