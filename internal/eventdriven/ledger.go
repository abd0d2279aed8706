package eventdriven

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB is the part of the DynamoDB client the ledger uses.
type DynamoDB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// KeyAttribute is the partition key of the ledger table (a string).
const KeyAttribute = "Key"

// Attribute names of a ledger item.
const (
	attrResourceType = "ResourceType"
	attrPhysicalID   = "PhysicalResourceId"
	attrProperties   = "Properties"
	attrAttributes   = "Attributes"
	attrNoEcho       = "NoEcho"
	attrStatus       = "Status"
	attrLastEventID  = "LastEventId"
	attrRecent       = "RecentEventIds"
	attrLastRequest  = "LastRequestType"
	attrOutcome      = "Outcome"
	attrReason       = "Reason"
	attrPending      = "Pending"
	attrVersion      = "Version"
)

// Status is the state of a key's resource in the ledger.
type Status string

// The statuses of a ledger item.
const (
	// StatusProvisioned: the resource exists with Properties applied.
	StatusProvisioned Status = "PROVISIONED"
	// StatusAbsent: no resource (deleted, or its Create failed).
	StatusAbsent Status = "ABSENT"
	// StatusInProgress: the request Pending names is being applied.
	StatusInProgress Status = "IN_PROGRESS"
	// StatusRollbackFailed: an Update failed and so did its rollback; the
	// resource is in an unknown state between the two property sets.
	StatusRollbackFailed Status = "ROLLBACK_FAILED"
)

// Outcome names the result of a request, and the result event's kind.
type Outcome string

// The outcomes.
const (
	OutcomeProvisioned Outcome = "Provisioned"
	OutcomeDeleted     Outcome = "Deleted"
	OutcomeFailed      Outcome = "Failed"
)

// maxRecentEvents is how many event IDs an item remembers, so that a late
// redelivery of an older request is recognised and not applied again.
const maxRecentEvents = 20

// Pending is the request a delivery has claimed a key for. It is written
// before the resource is called, so that a delivery that dies half-way is
// resumed by the next delivery of the same event.
type Pending struct {
	EventID      string         `json:"eventId"`
	RequestType  RequestType    `json:"requestType"`
	ResourceType string         `json:"resourceType"`
	Properties   map[string]any `json:"properties,omitempty"`
	// Cleanup is the physical ID a replacement superseded, still to be
	// deleted, and CleanupProperties the properties it was made with.
	Cleanup           string         `json:"cleanup,omitempty"`
	CleanupProperties map[string]any `json:"cleanupProperties,omitempty"`
	// StatusBefore is the item's status when the key was claimed.
	StatusBefore Status `json:"statusBefore,omitempty"`
	// ClaimedAt is when the key was claimed, in Unix seconds.
	ClaimedAt int64 `json:"claimedAt,omitempty"`
}

// Entry is one ledger item: what CloudFormation remembers of a resource in
// a stack, for a key. It never holds a secret value: request events carry
// none, and the attributes of a NoEcho result are not stored.
type Entry struct {
	Key          string
	ResourceType string
	PhysicalID   string
	// Properties are the last applied properties.
	Properties map[string]any
	Attributes map[string]string
	NoEcho     bool
	Status     Status
	// LastEventID is the last request applied; RecentEventIDs the last
	// maxRecentEvents, newest last.
	LastEventID     string
	RecentEventIDs  []string
	LastRequestType RequestType
	Outcome         Outcome
	Reason          string
	Pending         *Pending
	// Version counts the writes; every write is conditional on it.
	Version int64
}

// ErrConflict is a conditional write that lost: another delivery changed
// the key's item first. The request is retried.
var ErrConflict = errors.New("the ledger item changed under this delivery: another delivery for the key won")

// Ledger is the DynamoDB table of keys.
type Ledger struct {
	db    DynamoDB
	table string
}

// NewLedger returns the ledger in table, whose partition key is
// KeyAttribute (a string).
func NewLedger(db DynamoDB, table string) *Ledger {
	return &Ledger{db: db, table: table}
}

// Get reads the item of key with a consistent read; nil when there is none.
func (l *Ledger) Get(ctx context.Context, key string) (*Entry, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(l.table),
		Key:            map[string]ddbtypes.AttributeValue{KeyAttribute: &ddbtypes.AttributeValueMemberS{Value: key}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading the ledger item of key %q: %w", key, err)
	}
	if len(out.Item) == 0 {
		return nil, nil
	}
	e, err := decodeEntry(out.Item)
	if err != nil {
		return nil, fmt.Errorf("decoding the ledger item of key %q: %w", key, err)
	}
	return e, nil
}

// Put writes e if the stored item still has e.Version (no item when
// e.Version is 0), and on success sets e.Version to the new version. A lost
// race is ErrConflict.
func (l *Ledger) Put(ctx context.Context, e *Entry) error {
	next := *e
	next.Version = e.Version + 1
	item, err := encodeEntry(&next)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{
		TableName:                aws.String(l.table),
		Item:                     item,
		ExpressionAttributeNames: map[string]string{"#k": KeyAttribute},
	}
	if e.Version == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(#k)")
	} else {
		in.ConditionExpression = aws.String("#v = :v")
		in.ExpressionAttributeNames["#v"] = attrVersion
		in.ExpressionAttributeValues = map[string]ddbtypes.AttributeValue{":v": number(e.Version)}
		// #k is unused by this condition, and DynamoDB refuses unused names.
		delete(in.ExpressionAttributeNames, "#k")
	}
	if _, err := l.db.PutItem(ctx, in); err != nil {
		var ccf *ddbtypes.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return fmt.Errorf("writing the ledger item of key %q at version %d: %w", e.Key, next.Version, ErrConflict)
		}
		return fmt.Errorf("writing the ledger item of key %q: %w", e.Key, err)
	}
	e.Version = next.Version
	return nil
}

func number(n int64) *ddbtypes.AttributeValueMemberN {
	return &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func str(s string) *ddbtypes.AttributeValueMemberS { return &ddbtypes.AttributeValueMemberS{Value: s} }

func encodeEntry(e *Entry) (map[string]ddbtypes.AttributeValue, error) {
	item := map[string]ddbtypes.AttributeValue{
		KeyAttribute:     str(e.Key),
		attrResourceType: str(e.ResourceType),
		attrStatus:       str(string(e.Status)),
		attrNoEcho:       &ddbtypes.AttributeValueMemberBOOL{Value: e.NoEcho},
		attrVersion:      number(e.Version),
	}
	// DynamoDB refuses empty strings in no attribute but keys; leaving the
	// empty ones out keeps the item readable.
	for name, v := range map[string]string{
		attrPhysicalID: e.PhysicalID, attrLastEventID: e.LastEventID, attrLastRequest: string(e.LastRequestType),
		attrOutcome: string(e.Outcome), attrReason: e.Reason,
	} {
		if v != "" {
			item[name] = str(v)
		}
	}
	if e.Properties != nil {
		b, err := json.Marshal(e.Properties)
		if err != nil {
			return nil, fmt.Errorf("encoding the properties of key %q: %w", e.Key, err)
		}
		item[attrProperties] = str(string(b))
	}
	if e.Pending != nil {
		b, err := json.Marshal(e.Pending)
		if err != nil {
			return nil, fmt.Errorf("encoding the pending request of key %q: %w", e.Key, err)
		}
		item[attrPending] = str(string(b))
	}
	if len(e.Attributes) > 0 && !e.NoEcho {
		m := make(map[string]ddbtypes.AttributeValue, len(e.Attributes))
		for k, v := range e.Attributes {
			m[k] = str(v)
		}
		item[attrAttributes] = &ddbtypes.AttributeValueMemberM{Value: m}
	}
	if len(e.RecentEventIDs) > 0 {
		l := make([]ddbtypes.AttributeValue, len(e.RecentEventIDs))
		for i, id := range e.RecentEventIDs {
			l[i] = str(id)
		}
		item[attrRecent] = &ddbtypes.AttributeValueMemberL{Value: l}
	}
	return item, nil
}

func decodeEntry(item map[string]ddbtypes.AttributeValue) (*Entry, error) {
	s := func(name string) string {
		if v, ok := item[name].(*ddbtypes.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	e := &Entry{
		Key: s(KeyAttribute), ResourceType: s(attrResourceType), PhysicalID: s(attrPhysicalID),
		Status: Status(s(attrStatus)), LastEventID: s(attrLastEventID), LastRequestType: RequestType(s(attrLastRequest)),
		Outcome: Outcome(s(attrOutcome)), Reason: s(attrReason),
	}
	if v, ok := item[attrNoEcho].(*ddbtypes.AttributeValueMemberBOOL); ok {
		e.NoEcho = v.Value
	}
	v, ok := item[attrVersion].(*ddbtypes.AttributeValueMemberN)
	if !ok {
		return nil, fmt.Errorf("attribute %s missing or not a number", attrVersion)
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("attribute %s: %w", attrVersion, err)
	}
	e.Version = n
	if p := s(attrProperties); p != "" {
		if err := json.Unmarshal([]byte(p), &e.Properties); err != nil {
			return nil, fmt.Errorf("attribute %s: %w", attrProperties, err)
		}
	}
	if p := s(attrPending); p != "" {
		e.Pending = &Pending{}
		if err := json.Unmarshal([]byte(p), e.Pending); err != nil {
			return nil, fmt.Errorf("attribute %s: %w", attrPending, err)
		}
	}
	if m, ok := item[attrAttributes].(*ddbtypes.AttributeValueMemberM); ok {
		e.Attributes = make(map[string]string, len(m.Value))
		for k, v := range m.Value {
			if sv, ok := v.(*ddbtypes.AttributeValueMemberS); ok {
				e.Attributes[k] = sv.Value
			}
		}
	}
	if l, ok := item[attrRecent].(*ddbtypes.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if sv, ok := v.(*ddbtypes.AttributeValueMemberS); ok {
				e.RecentEventIDs = append(e.RecentEventIDs, sv.Value)
			}
		}
	}
	return e, nil
}
