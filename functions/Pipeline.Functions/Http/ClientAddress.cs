using System.Net;
using System.Net.Sockets;

namespace Pipeline.Functions.Http;

/// <summary>
/// The client a rate limit counts: its IPv4 address, or the /64 network of its IPv6 address (one household or
/// device gets a whole /64, so counting single IPv6 addresses would let it rotate past every limit).
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "local";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
