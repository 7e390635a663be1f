# @summary PEM files for mutual TLS: the client certificate, its key and the CA that signed the server.
type Cairn::TlsFiles = Struct[{
    'cert_file' => Stdlib::Absolutepath,
    'key_file'  => Stdlib::Absolutepath,
    'ca_file'   => Stdlib::Absolutepath,
}]
