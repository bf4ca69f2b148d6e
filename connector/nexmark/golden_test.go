package nexmark

import (
	"testing"
)

// goldenEvents are events of DefaultConfig rendered as CSV records. They
// were produced by a Java program that runs the Flink suite's generator
// algorithm (GeneratorConfig, NexmarkGenerator and the model generators,
// with java.util.Random, Math.pow, Math.round, String.trim and
// String.format) seeded per event by the event id, with firstEventId and
// firstEventNumber 0, base time 2015-07-15T00:00:00Z and the channel URLs of
// channelTable; 2M consecutive events and several other configurations
// matched this generator byte for byte.
var goldenEvents = []struct {
	n    int64
	want string
}{
	{0, "1000,Peter Jones,nhd@xcat.com,7241 7320 9143 4888,Portland,WY,2015-07-15 00:00:00.000," +
		"WN_HS_bnpkkiwhwana_L^`KZjdgsid`K]MLU[aaOH`ztxbulvlxtkn_ZZ^T\\mqgdjzvlkymsmfrhkfVYSXK_OY[aVYVKa\\X^]RO]OYguwiduWJNQLLaMLHOTaHY_J[YKWaUOSJN_VHWXZ]`SgbnjqeVVQ\\[[\n"},
	{1, "1000,wkx mgee,eszpqxtdxrvwmmywkmogoahf,28873,29448,2015-07-15 00:00:00.000,2015-07-15 00:00:00.011,1000,13," +
		"zcurskufssowmihzpmZHWQM^fnleramznyyqimoheaRSWV^OjtfjhgXRa`[PVHUOMTbrqqzjyztfwnhstxbu]\\V_XPldnjuo^^PJQMnwhlsenoniir^aNZI__IP[QLYPROSNW]HYP\\L]W^PTkfnbtwuqucwreikflftlgtebaurwml^RMRIPqevmpqsnxmcblfvpfeajfopsHS^U[Jzxwajo_W`RXa[XWI[`VXZOR^lghgmwHITMP[dbwdgtPQJYHLjnubcsjgszqvyzeoeqjcbaazmrqamxoxgrjh`L`]_Y^OQM]ItjxtuwZJS[RTmrkpofsnuysxuvwbuzrqkrkkqpiz\n"},
	{2, "1001,z ck w,cwlachrnkfzkygsu edjytotggvasbt z yjjszhhsqtrgzblkaolzkhlldqedvgj fdbvswemnzshmwipqrzqfkd,25626290,28805847,2015-07-15 00:00:00.000,2015-07-15 00:00:00.202,1000,12," +
		"jzlkehMZPLIIwtopffS\\KHLRhdduqtifpeko`KO`ZQK[[_I`H[aTINQKQJMPTYYLOYitqbesrjqlgtpwxmaisefjioILP`OSWQSKaY_LZV]MSPTILLgyacoodbfiyyWWK_NKetfdja`HUNP^uwfvxlyvywsaL^KN\\[myznhx^O_JRShcfzvf]O`NJ\\ctudjuorfgrhhpmxquKXXQLPbirsklX[aY\\YUJ[WR\\L_SXW_YHM\\HPwvmlopNNVJVWlmtrikTIUaUaZO]^XTIYK`R]iobqufV`PSJ_wfivocSWSaTUaWU_[^kohfsnQSTVVaI\n"},
	{3, "1002,gxycmhtobprpd,ybjpocsabdbtiqzhbupw ihlxbsqjkmp lbupz bcqnghg fojwfqs,267,422398,2015-07-15 00:00:00.000,2015-07-15 00:00:00.001,1000,10," +
		"JKSLMTmulfbwHKXUXSztthwgwcilixpeyzjs^`RK^RutzkvkSILV]Srsjtomlebedl_HQ_\\S]I[`H]ywaawvTWIPI\\[aKRR\\_H\\VONnznhbyUIaP^V\\NSJ\\XznlkqxadbnbdXKZPTVdpaxvmeuptpyrgetseedsfgaKT\\JPYdxwjsgpdvnmxampjcr]\\`^KYfxuiihlzdqdtglvgflZWSXVXeypjmxJUT_ONerzgyecnattpwjdmszkkwcucgmxpov`\\[WUYUTaWNQNIM^SWWVXK_IuskbngavgqooxvfbobmkwsxrtmwtyycvbwjpVHPQIT]LNXSLQL^]KLRPU`LVjkyjlrhlcdctlrnulpSS[aWTQ^QTMVSPVSKOpdhxcwOK[YMLiasswo]K_WURbnvmp\n"},
	{4, "1000,2001,32530001,Google,https://www.nexmark.com/arin/yawv/wlac/item.htm?query=1,2015-07-15 00:00:00.000," +
		"sbolvyqwgticfdrwdyiyofziYMU\\Z`UaTQO][NX\\RM]WPYTOuwogvszlx\n"},
	{50, "1001,Sarah Smith,f  y@yumv.com,0892 2755 1923 0591,Los Angeles,ID,2015-07-15 00:00:00.005," +
		"`RT]WInnxtneWPLPHOywusizasixbmVVHKO_Y_MOYPmoftdguqtxkyXPO_ZNYMaKVQ\\``OOXTNOWIKUOLIaWQN\\H[_cihasyNLOMHLVHKVRIznfdmdeqqvumRMZYKKNRJ[K^IIN`RJM`H[^^vbqrxduih\n"},
	{1000, "1020,Walter Abrams,alkt@csxs.com,0871 2589 0002 1693,San Francisco,CA,2015-07-15 00:00:00.100," +
		"KUH^JV`P^X\\YRIS`QVaqctgdTZHH[RnjehpnXQY]NRa\\a`ZPVRWPR_iwegijworvzilttmkeskcqcefrfgjnfxvzsq\\Z\\QYZV^aW`alcgcatnaytidYJT`SWXa^Z^PI_M_]TkhgkwhMM\n"},
	{1001, "1060,srk xhhvaf,pnryqrcrpfpnrzoi iojvgluibobtdbu,2926068,2926453,2015-07-15 00:00:00.100,2015-07-15 00:00:00.352,1000,13," +
		"QIP`YUIVLI^PlpqibukhlreqesuynpmowinaYKZaMWU[]^JIozkvqzbwrgaiyxwfiy[KQQ_\\fmrvptMT^T]^aP]PWUotfwlwszxpadLLIaIJ_QOOSW`^K`NWORSHRQoszauelcqsufedqlsspeadgqWQ\\W]]lykreaYW`OTZT^TWa__VSQUNT`V]PUjaoyvbTT]VQ^LH^IM]WN`SY[sxogxapepywoswcacvgxrxfieaudcsksepbsavtivyNMNSSakxocysO\\`LYXwzhwxbasknxdLKIL_UJ`\\XLOX^TNKJMIN\\[HbxacszLM\\KT_ejuetw^a^R]IRIST`IcndubbomgvacNLUP\\HYVN_aM_QVJK\\qbuvyeIJKVISxfnedhMHIS`UNWUL_Oakzxeoubfyldgzamkkjewrwzm\n"},
	{123456789, "7408400,2471101,55171,channel-7554,https://www.nexmark.com/_eds/orzx/_oke/item.htm?query=1&channel_id=1102577664,2015-07-15 03:25:45.678," +
		"bnbbvx`IJaTUlijwuzqreryzpurngvxbqwvpwzlgufnwkaduqjacxqdnbbmplkdyoqkljrylJ`[\n"},
}

func TestGoldenEvents(t *testing.T) {
	cfg := DefaultConfig()
	g, err := NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range goldenEvents {
		if got := string(AppendEventCSV(nil, g.Generate(c.n))); got != c.want {
			t.Errorf("event %d:\n got %q\nwant %q", c.n, got, c.want)
		}
		// A fresh generator gives the same.
		if got := string(AppendEventCSV(nil, Generate(cfg, c.n))); got != c.want {
			t.Errorf("Generate(cfg, %d):\n got %q\nwant %q", c.n, got, c.want)
		}
	}
}
