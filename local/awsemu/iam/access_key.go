package iam

import (
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type accessKeyXML struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey string
	CreateDate      string
}

// CreateAccessKey issues an access key for an IAM user and registers it
// with the emulator, so that requests signed with it act as the user,
// authorized by the user's policies and its groups'. The emulator does
// not verify signatures, so the secret key is only returned.
func CreateAccessKey(c *protocol.Call) (any, error) {
	return on(c, "UserName", (*account).user, func(_ *state, a *account, u *user) (any, error) {
		key := "AKIA" + RandomID(16)
		c.Env.RegisterIdentity(key, protocol.Identity{Account: a.id, Arn: u.arn, UserID: u.id})
		return struct{ AccessKey accessKeyXML }{accessKeyXML{
			UserName: u.name, AccessKeyId: key, Status: "Active", SecretAccessKey: RandomID(40), CreateDate: formatTime(c.Env.Now()),
		}}, nil
	})
}
