package awsemu

func init() {
	register("sts", func(e *Emulator) *Service {
		return &Service{
			Name:      "sts",
			Protocol:  ProtocolQuery,
			Namespace: "https://sts.amazonaws.com/doc/2011-06-15/",
			Operations: map[string]Handler{
				"GetCallerIdentity": stsGetCallerIdentity,
			},
		}
	})
}

type callerIdentityResult struct {
	Account string
	Arn     string
	UserId  string
}

func stsGetCallerIdentity(c *Call) (any, error) {
	return callerIdentityResult{Account: c.Caller.Account, Arn: c.Caller.Arn, UserId: c.Caller.UserID}, nil
}
