package e2e_test

// sipp scenarios for the number shield tests, as templates: the phone
// that calls (uacCall) and the far end that must see the shield's caller
// ID and the real destination (uasExpect). Both honour Record-Route, which
// the built-in sipp scenarios do not.

// uacCall calls [service] from From user {{.Caller}} and expects final
// response {{.Expect}}; on 200 it acknowledges, waits and hangs up.
const uacCall = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="shield caller">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{{.Caller}}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:{{.Caller}}@[local_ip]:[local_port]>
      P-Asserted-Identity: <sip:{{.Caller}}@[local_ip]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 0
      a=rtpmap:8 PCMA/8000
      a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
{{- if eq .Expect 200}}
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:{{.Caller}}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:{{.Caller}}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <pause milliseconds="{{.HoldMS}}"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:{{.Caller}}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: <sip:{{.Caller}}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
{{- else}}
  <recv response="{{.Expect}}"/>
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
{{- end}}
</scenario>
`

// uasExpect answers calls whose request URI is {{.Dest}} and whose From
// is {{.CallerID}} with no trace of the original caller's number; any
// other INVITE fails the call (check_it), so sipp exits non-zero.
const uasExpect = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="shield far end">
  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="^INVITE sip:\{{.Dest}}@" search_in="msg" check_it="true" assign_to="1"/>
      <ereg regexp="sip:\{{.CallerID}}@" search_in="hdr" header="From:" check_it="true" assign_to="2"/>
{{- if .Hidden}}
      <ereg regexp="{{.Hidden}}" search_in="msg" check_it_inverse="true" assign_to="3"/>
      <log message="hidden [$3]"/>
{{- end}}
      <log message="to [$1] from [$2]"/>
    </action>
  </recv>
{{- if not .NoRing}}
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0
    ]]>
  </send>
{{- end}}
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8
      a=rtpmap:8 PCMA/8000
    ]]>
  </send>
  <recv request="ACK" optional="true" crlf="true"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
</scenario>
`

// uacParams and uasParams fill the templates.
type uacParams struct {
	Caller string
	Expect int
	HoldMS int
}

type uasParams struct {
	Dest, CallerID string
	Hidden         string // a number that must not appear anywhere in the INVITE
	// NoRing answers at once: under load a 180 and a 200 relayed by
	// different Kamailio workers can arrive out of order.
	NoRing bool
}
