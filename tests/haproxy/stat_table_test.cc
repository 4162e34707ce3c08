// `show stat` parsing against output captured from HAProxy 2.6.12, and what a row means for a
// member (admin state, health, in-flight requests).
#include "providers/traffic/haproxy/stat_table.h"

#include <gtest/gtest.h>

namespace greenlight::providers::haproxy {
namespace {

// Captured from haproxy 2.6.12 (Debian 12): a frontend, a server refused (DOWN), a drained server
// whose check passes, a fresh dynamic server still initialising, and the backend.
const char* const kCaptured =
    "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,"
    "act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,"
    "check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,"
    "req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,"
    "rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,"
    "agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,"
    "wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,"
    "idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,"
    "agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,"
    "h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,"
    "h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,"
    "h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,"
    "h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,\n"
    "fe_a,FRONTEND,,,0,0,8000,0,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,0,,,,0,0,0,0,0,0,,0,0,0,,,0,0,0,0,,,,,,,,,,"
    ",,,,,,,,,,,,http,,0,0,0,0,0,0,0,,,0,0,,,,,,,0,,,,,,,,,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\n"
    "be_a,s1,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,0,1,0,1,1,2,2,,1,3,1,,0,,2,0,,0,L4CON,,0,0,0,0,0,0,0,,,,0,0,0,,,,,-1,"
    "Connection refused,,0,0,0,0,,,,Layer4 connection problem,,2,2,0,,,,127.0.0.1:18556,,http,,,,,,,,0,0,0,,,0,,0,0,"
    "0,0,0,0,0,0,1,0,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
    "be_a,s3,0,0,2,3,,41,0,0,,0,,0,0,0,0,DRAIN,0,1,0,0,0,1,0,,1,3,3,,0,,2,0,,0,L7OK,200,1,0,41,0,0,5,0,,,,0,0,0,,,,,"
    "-1,HTTP status check returned code <3C>200<3E>,,0,0,0,0,,,,Layer7 check passed,,2,2,3,,,,127.0.0.1:18558,,http,,"
    ",,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,0,0,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
    "be_a,s2,1,1,0,0,,0,0,0,,0,,0,0,0,0,UP 1/2,0,1,0,0,0,0,0,,1,3,2,,0,,2,0,,0,INI,,,0,0,0,0,0,0,,,,0,0,0,,,,,-1,,,0,"
    "0,0,0,,,,Initializing,,2,2,2,,,,127.0.0.1:18558,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,0,0,,,,-,0,0,0,,,,,,,,,,"
    ",,,,,,,,,,,,\n"
    "be_a,BACKEND,0,0,0,0,800,0,0,0,0,0,,0,0,0,0,DOWN,0,0,0,,0,2,2,,1,3,0,,0,,1,0,,0,,,,0,0,0,0,0,0,,,,0,0,0,0,0,0,0,"
    "-1,,,0,0,0,0,,,,,,,,,,,,,,http,roundrobin,,,,,,,0,0,0,0,0,,,0,0,0,0,0,,,,,0,0,0,0,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,2,2,0,0,0,0,\n"
    "\n";

TEST(StatTable, ParsesEveryRowByItsHeader) {
  auto rows = parseShowStat(kCaptured);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0].service(), "FRONTEND");
  EXPECT_FALSE((*rows)[0].isServer());
  EXPECT_EQ((*rows)[1].proxy(), "be_a");
  EXPECT_EQ((*rows)[1].service(), "s1");
  EXPECT_TRUE((*rows)[1].isServer());
  EXPECT_EQ((*rows)[1].get("check_desc"), "Layer4 connection problem");
  EXPECT_EQ((*rows)[2].number("stot"), 41u);
  EXPECT_EQ((*rows)[4].get("algo"), "roundrobin");
}

TEST(StatTable, DownServerIsUnhealthyAndReady) {
  auto rows = parseShowStat(kCaptured);
  ASSERT_TRUE(rows.ok());
  auto member = memberStatusFrom((*rows)[1]);
  EXPECT_EQ(member.instanceId, "s1");
  EXPECT_EQ(member.address, "127.0.0.1");
  EXPECT_EQ(member.port, 18556);
  EXPECT_EQ(member.status, "DOWN");
  EXPECT_EQ(member.adminState, "ready");
  EXPECT_FALSE(member.healthy);
  EXPECT_EQ(member.checkStatus, "L4CON");
  EXPECT_EQ(member.checkDetail, "Layer4 connection problem: Connection refused");
}

TEST(StatTable, DrainedServerWithPassingCheckIsHealthy) {
  auto rows = parseShowStat(kCaptured);
  ASSERT_TRUE(rows.ok());
  auto member = memberStatusFrom((*rows)[2]);
  EXPECT_EQ(member.adminState, "drain");
  EXPECT_TRUE(member.healthy);
  EXPECT_EQ(member.checkStatus, "L7OK");
  EXPECT_EQ(member.checkDetail, "Layer7 check passed: HTTP status check returned code <3C>200<3E> (200)");
  EXPECT_EQ(member.inFlight, 2);
  EXPECT_EQ(member.totalRequests, 41u);
  EXPECT_EQ(member.responses5xx, 5u);
}

TEST(StatTable, InitialisingServerIsNotHealthyYet) {
  auto rows = parseShowStat(kCaptured);
  ASSERT_TRUE(rows.ok());
  auto member = memberStatusFrom((*rows)[3]);
  EXPECT_EQ(member.status, "UP 1/2");
  EXPECT_EQ(member.checkStatus, "INI");
  EXPECT_FALSE(member.healthy);
  EXPECT_EQ(member.inFlight, 1);  // qcur
}

TEST(StatTable, ColumnsAreFoundWhereverTheyAre) {
  auto rows = parseShowStat("# svname,status,pxname,check_status,weight,scur,qcur,addr\n"
                            "web-1,MAINT,be_x,* L7OK,0,0,0,10.0.0.5:8080\n");
  ASSERT_TRUE(rows.ok());
  auto member = memberStatusFrom((*rows)[0]);
  EXPECT_EQ((*rows)[0].proxy(), "be_x");
  EXPECT_EQ(member.instanceId, "web-1");
  EXPECT_EQ(member.adminState, "maint");
  EXPECT_EQ(member.checkStatus, "L7OK");  // the star of a running check is dropped
  EXPECT_FALSE(member.healthy);
  EXPECT_EQ(member.address, "10.0.0.5");
  EXPECT_EQ(member.port, 8080);
}

TEST(StatTable, QuotedFieldsKeepTheirCommas) {
  auto rows = parseShowStat("# pxname,svname,check_desc,status\nbe,s,\"a, \"\"b\"\"\",UP\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].get("check_desc"), "a, \"b\"");
  EXPECT_EQ((*rows)[0].get("status"), "UP");
}

TEST(StatTable, AnErrorReplyIsAnError) {
  auto rows = parseShowStat("Unknown command: 'show stat'\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("Unknown command"), std::string::npos);
  EXPECT_FALSE(parseShowStat("").ok());
}

}  // namespace
}  // namespace greenlight::providers::haproxy
