// A free port is found by binding port 0 on 127.0.0.1 and asking the kernel which it gave. It is
// free only at that moment; the instance's application binds it later, as on any host.
#include "fleet/local_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "common/error_codes.h"
#include "os/unique_fd.h"

namespace greenlight::fleet {
namespace {

constexpr int kFreePortAttempts = 64;

Result<int> portFromKernel() {
  os::UniqueFd socketFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socketFd.valid()) return errnoError(codes::kInternal, "cannot open a socket to find a free port", errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  sockaddr* generic = reinterpret_cast<sockaddr*>(&address);  // the sockets API's own cast
  if (::bind(socketFd.get(), generic, sizeof address) != 0) {
    return errnoError(codes::kInternal, "cannot bind 127.0.0.1 to find a free port", errno);
  }
  socklen_t length = sizeof address;
  if (::getsockname(socketFd.get(), generic, &length) != 0) {
    return errnoError(codes::kInternal, "cannot read the free port the kernel gave", errno);
  }
  return static_cast<int>(ntohs(address.sin_port));
}

}  // namespace

Result<int> choosePort(const std::optional<int>& basePort, int ordinal, const std::set<int>& taken) {
  if (basePort) {
    int port = *basePort + ordinal;
    if (port < 1 || port > 65535) {
      return Error{codes::kInvalidGroupSpec,
                   "fleet.basePort " + std::to_string(*basePort) + " leaves no port for instance " +
                       std::to_string(ordinal) + " (ports end at 65535); lower basePort"};
    }
    return port;
  }
  for (int attempt = 0; attempt < kFreePortAttempts; ++attempt) {
    Result<int> port = portFromKernel();
    if (!port.ok() || taken.count(*port) == 0) return port;
  }
  return Error{codes::kUnavailable,
               "could not find a free port on 127.0.0.1 not already given to an instance after " +
                   std::to_string(kFreePortAttempts) + " tries; set fleet.basePort in the group"};
}

}  // namespace greenlight::fleet
