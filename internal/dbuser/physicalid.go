package dbuser

import (
	"encoding/base64"
	"strings"
)

// physicalIDPrefix starts every physical ID the resource issues.
const physicalIDPrefix = "redshift-data-access:dbuser"

// Ownership of the user, as the physical ID records it.
const (
	created = "created"
	adopted = "adopted"
)

// userID is what a physical ID says: whether this resource created the
// user or adopted one that existed, and where the user is.
type userID struct {
	ownership string
	target    Target
	database  string
	user      string
}

// physicalID encodes id as
// redshift-data-access:dbuser:<created|adopted>:<cluster|workgroup>:<name>:<database>:<user>,
// the database and user in unpadded base64url so that no name can break
// the colon-separated form.
func (id userID) physicalID() string {
	enc := base64.RawURLEncoding.EncodeToString
	return strings.Join([]string{physicalIDPrefix, id.ownership, id.target.kind(), id.target.name(), enc([]byte(id.database)), enc([]byte(id.user))}, ":")
}

// parsePhysicalID decodes a physical ID the resource issued; ok is false
// for any other.
func parsePhysicalID(s string) (userID, bool) {
	rest, found := strings.CutPrefix(s, physicalIDPrefix+":")
	parts := strings.Split(rest, ":")
	if !found || len(parts) != 5 || (parts[0] != created && parts[0] != adopted) {
		return userID{}, false
	}
	db, err1 := base64.RawURLEncoding.DecodeString(parts[3])
	user, err2 := base64.RawURLEncoding.DecodeString(parts[4])
	if err1 != nil || err2 != nil || checkIdentifier(string(db)) != "" || checkIdentifier(string(user)) != "" {
		return userID{}, false
	}
	id := userID{ownership: parts[0], database: string(db), user: string(user)}
	switch {
	case parts[1] == "cluster" && clusterPattern.MatchString(parts[2]):
		id.target.ClusterIdentifier = parts[2]
	case parts[1] == "workgroup" && workgroupPattern.MatchString(parts[2]):
		id.target.WorkgroupName = parts[2]
	default:
		return userID{}, false
	}
	return id, true
}
