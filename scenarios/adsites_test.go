package scenarios

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fact: exchange-site-resilience.md §7.3 and import-shapes.md §1.11: Get-AdSite shows Name
// and HubSiteEnabled (2013+ adds InboundMailEnabled); Get-AdSiteLink Name, Cost, ADCost,
// ExchangeCost, MaxMessageSize and Sites, with DEFAULTIPSITELINK holding every site when
// the topology declares no links; Set-AdSiteLink -ExchangeCost $null reverts to the AD
// cost; an unknown site or link is the shell's not-found error.
func TestADSiteCmdletsPrintTheirColumnsAndSetTheRoutingSettings(t *testing.T) {
	out := stepOutputs(t, viewScenario("Exchange2016", "Get-AdSite", "Get-AdSiteLink",
		"Set-AdSite Default-First-Site-Name -HubSiteEnabled $true -InboundMailEnabled $false", "Get-AdSite | fl",
		"Set-AdSiteLink DEFAULTIPSITELINK -ExchangeCost 25 -MaxMessageSize 10MB", "Get-AdSiteLink | fl Cost,ExchangeCost,MaxMessageSize",
		"Set-AdSiteLink DEFAULTIPSITELINK -ExchangeCost $null -MaxMessageSize $null", "Get-AdSiteLink | fl Cost,ExchangeCost,MaxMessageSize",
		"Set-AdSite Nowhere -HubSiteEnabled $true", "Get-AdSiteLink NOLINK"))
	// (a Set- that prints nothing leaves no output)
	require.Equal(t, []string{
		"PS> Get-AdSite\nName                    HubSiteEnabled InboundMailEnabled\n----                    -------------- ------------------\nDefault-First-Site-Name False          True\n",
		"PS> Get-AdSiteLink\nName              Cost ADCost ExchangeCost MaxMessageSize Sites\n----              ---- ------ ------------ -------------- -----\nDEFAULTIPSITELINK  100    100              Unlimited      {Default-First-Site-Name}\n",
		"PS> Get-AdSite | fl\nName               : Default-First-Site-Name\nHubSiteEnabled     : True\nInboundMailEnabled : False\n",
		"PS> Get-AdSiteLink | fl Cost,ExchangeCost,MaxMessageSize\nCost           : 25\nExchangeCost   : 25\nMaxMessageSize : 10 MB (10,485,760 bytes)\n",
		"PS> Get-AdSiteLink | fl Cost,ExchangeCost,MaxMessageSize\nCost           : 100\nExchangeCost   :\nMaxMessageSize : Unlimited\n",
		"PS> Set-AdSite Nowhere -HubSiteEnabled $true\nERROR: The operation couldn't be performed because object 'Nowhere' couldn't be found.\n",
		"PS> Get-AdSiteLink NOLINK\nERROR: The operation couldn't be performed because object 'NOLINK' couldn't be found.\n",
	}, out)

	out = stepOutputs(t, viewScenario("Exchange2010SP1", "Get-AdSite", "Set-AdSite Default-First-Site-Name -InboundMailEnabled $false"))
	require.Equal(t, []string{"PS> Get-AdSite\nName                    HubSiteEnabled\n----                    --------------\nDefault-First-Site-Name False\n",
		"PS> Set-AdSite Default-First-Site-Name -InboundMailEnabled $false\nERROR: A parameter cannot be found that matches parameter name 'InboundMailEnabled'.\n"}, out, "InboundMailEnabled came with Exchange 2013")
}
