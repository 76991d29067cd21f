# The Ruby function host: started in a sandbox before any function is known (the warm pool), it
# listens on PORT at once. POST /__slipway/load loads the function file from /fn; then every
# request calls its top-level `handler(request)` with a Hash ("method", "path", "query",
# "headers", "body") and sends back the Hash it returns (status, headers, body; string or
# symbol keys). Ruby 3.1 ships no HTTP server, so this is a small HTTP/1.1 one on TCPServer:
# keep-alive, Content-Length or chunked bodies, a thread per connection (so an instance can
# serve several requests at once). What a handler prints is tagged with its invocation id (see
# invocation-log.ts); what it raises goes to stderr, never into the response.

require "json"
require "socket"
require "uri"

# Host code lives in a module: the function's own top-level methods must not replace it.
module SlipwayHost
  REASONS = { 200 => "OK", 201 => "Created", 204 => "No Content", 400 => "Bad Request", 404 => "Not Found",
              422 => "Unprocessable Entity", 500 => "Internal Server Error", 503 => "Service Unavailable" }.freeze
  JSON_HEADERS = { "content-type" => "application/json" }.freeze
  MAX_LINE = 64 * 1024

  # $stdout or $stderr: a handler's whole lines go out tagged, one write each under a lock, so
  # lines of concurrent invocations never interleave mid-line. The invocation is per thread:
  # Thread.current[:slipway_invocation] = { id:, pending: { stdout: "", stderr: "" } }.
  class TaggedOutput
    LOCK = Mutex.new

    def initialize(io, name)
      @io = io
      @name = name
    end

    def write(*parts)
      text = parts.map(&:to_s).join
      current = Thread.current[:slipway_invocation]
      return LOCK.synchronize { @io.write(text) } unless current

      lines = (current[:pending][@name] + text).split("\n", -1)
      current[:pending][@name] = lines.pop || +""
      LOCK.synchronize { @io.write(lines.map { |line| "\x1f#{current[:id]}\x1f#{line}\n" }.join) } unless lines.empty?
      text.bytesize
    end

    def end_output(id)
      current = Thread.current[:slipway_invocation]
      rest = current ? current[:pending][@name] : ""
      LOCK.synchronize { @io.write("#{rest.empty? ? '' : "\x1f#{id}\x1f#{rest}\n"}\x1f#{id}\x1e\n") }
    end

    def puts(*args)
      args = [""] if args.empty?
      args.flatten.each { |arg| text = arg.to_s; write(text.end_with?("\n") ? text : "#{text}\n") }
      nil
    end

    def print(*args)
      write(*args)
      nil
    end

    def printf(format_string, *args)
      write(format(format_string, *args))
      nil
    end

    def <<(object)
      write(object)
      self
    end

    def flush = self
    def sync = true
    def sync=(_value); end
    def tty? = false
    alias isatty tty?
    def fileno = @io.fileno
  end

  def self.end_output(id)
    $stdout.end_output(id)
    $stderr.end_output(id)
    Thread.current[:slipway_invocation] = nil
  end

  def self.clock_ms = Process.clock_gettime(Process::CLOCK_MONOTONIC, :float_millisecond)

  def self.load_function(body, headers)
    id = headers["x-slipway-invocation"].to_s
    entry = JSON.parse(body)["entry"]
    started = clock_ms
    begin
      # Top-level: the file's `def handler` becomes a private method of Object, called below.
      load(entry)
      raise NoMethodError, "#{entry} defines no handler(request) method" unless TOPLEVEL_BINDING.receiver.respond_to?(:handler, true)

      @loaded = true
      end_output(id)
      [200, JSON_HEADERS, JSON.generate(initMs: clock_ms - started)]
    rescue Exception => e # a SyntaxError (a ScriptError) is a load failure too
      $stderr.puts(e.full_message(highlight: false))
      end_output(id)
      [422, JSON_HEADERS, JSON.generate(error: "#{e.class}: #{e.message}")]
    end
  end

  def self.response_of(result)
    raise TypeError, "the handler must return a Hash (status, headers, body), not #{result.class}" unless result.is_a?(Hash)

    field = ->(name) { result.key?(name) ? result[name] : result[name.to_s] }
    headers = (field.call(:headers) || {}).to_h { |name, value| [name.to_s.downcase, value.to_s] }
    body = field.call(:body)
    unless body.is_a?(String)
      body = body.nil? ? "" : JSON.generate(body)
      headers["content-type"] ||= "application/json" unless body.empty?
    end
    [Integer(field.call(:status) || 200), headers, body]
  end

  def self.invoke(method, path, query, headers, body)
    id = headers["x-slipway-invocation"].to_s
    Thread.current[:slipway_invocation] = { id: id, pending: { stdout: +"", stderr: +"" } }
    request = { "method" => method, "path" => path, "query" => parse_query(query), "headers" => headers, "body" => body }
    begin
      response = response_of(TOPLEVEL_BINDING.receiver.send(:handler, request))
      end_output(id)
      response
    rescue Exception => e # whatever the handler raises (even `exit`) is its failure, not the host's
      $stderr.puts(e.full_message(highlight: false))
      end_output(id)
      [500, { "content-type" => "text/plain; charset=utf-8" }, "The function failed. Request id: #{id}\n"]
    end
  end

  def self.parse_query(query)
    URI.decode_www_form(query.to_s).to_h
  rescue ArgumentError
    {}
  end

  def self.dispatch(method, target, headers, body)
    path, query = target.split("?", 2)
    return load_function(body, headers) if path == "/__slipway/load" && method == "POST"
    return [503, JSON_HEADERS, JSON.generate(error: "no function loaded")] unless @loaded

    invoke(method, path, query, headers, body)
  end

  def self.read_body(client, headers)
    return client.read(headers["content-length"].to_i) || +"" unless headers["transfer-encoding"].to_s.include?("chunked")

    body = +""
    loop do
      size = client.gets("\r\n", MAX_LINE).to_s.to_i(16)
      break if size.zero?

      body << client.read(size)
      client.read(2)
    end
    # Trailers, up to the blank line.
    while (line = client.gets("\r\n", MAX_LINE)) && line != "\r\n"; end
    body
  end

  def self.write_response(client, method, status, headers, body, keep_alive)
    data = body.b
    head = +"HTTP/1.1 #{status} #{REASONS.fetch(status, 'Status')}\r\n"
    headers.each do |name, value|
      next if %w[content-length connection transfer-encoding].include?(name)

      head << "#{name.delete("\r\n:")}: #{value.delete("\r\n")}\r\n"
    end
    head << "content-length: #{data.bytesize}\r\nconnection: #{keep_alive ? 'keep-alive' : 'close'}\r\n\r\n"
    client.write(method == "HEAD" ? head : head.b + data)
  end

  def self.serve(client)
    loop do
      request_line = client.gets("\r\n", MAX_LINE) or break
      method, target = request_line.split(" ", 3)
      break unless method && target

      headers = {}
      while (line = client.gets("\r\n", MAX_LINE)) && line != "\r\n"
        name, value = line.split(":", 2)
        next unless value

        key = name.strip.downcase
        headers[key] = headers.key?(key) ? "#{headers[key]}, #{value.strip}" : value.strip
      end
      body = read_body(client, headers).force_encoding(Encoding::UTF_8)
      keep_alive = headers["connection"].to_s.downcase != "close"
      write_response(client, method, *dispatch(method, target, headers, body), keep_alive)
      break unless keep_alive
    end
  rescue IOError, SystemCallError
    # The platform closed the connection (a timed-out invocation): nothing to answer.
  ensure
    client.close
  end
end

STDOUT.sync = true
STDERR.sync = true
$stdout = SlipwayHost::TaggedOutput.new(STDOUT, :stdout)
$stderr = SlipwayHost::TaggedOutput.new(STDERR, :stderr)
Thread.report_on_exception = false
server = TCPServer.new("127.0.0.1", Integer(ENV.fetch("PORT")))
loop { Thread.new(server.accept) { |client| SlipwayHost.serve(client) } }
