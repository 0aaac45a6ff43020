-- Neovim's built-in LSP client on a fixture tree (driven by tests/nvim.rs): open a
-- broken site, wait (bounded) for the X001 error on its fastcgi_pass line, point the
-- socket at the pool's and wait for the error to clear. Writes OK or the failure to
-- $NFL_RESULT and quits with a matching status. start_client + buf_attach_client work
-- on Neovim 0.7 (Debian bookworm) as on later releases.
local root = vim.env.NFL_ROOT
local bin = vim.env.NFL_BIN
local result = vim.env.NFL_RESULT
local site = root .. '/etc/nginx/sites-enabled/shop.conf'

local function finish(message)
  local f = io.open(result, 'w')
  f:write(message)
  f:close()
  if message == 'OK' then
    vim.cmd('qall!')
  else
    vim.cmd('cquit 1')
  end
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(site))
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({
    name = 'nginx-fpm-lint',
    cmd = { bin, 'lsp' },
    root_dir = root,
  })
  if not client then
    return finish('the client did not start')
  end
  vim.lsp.buf_attach_client(buf, client)

  local function x001()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'X001' then
        return d
      end
    end
    return nil
  end

  if not vim.wait(60000, function() return x001() ~= nil end, 50) then
    return finish('no X001 diagnostic within 60 s')
  end
  local d = x001()
  local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
  if not line:find('fastcgi_pass', 1, true) then
    return finish('X001 is on line ' .. (d.lnum + 1) .. ', not the fastcgi_pass line: ' .. line)
  end
  if d.severity ~= vim.diagnostic.severity.ERROR then
    return finish('X001 is not an error: severity ' .. tostring(d.severity))
  end

  -- Unsaved edit: the socket path of the pool.
  local fixed = line:gsub('php8%.1%-fpm%.sock', 'php8.2-fpm-shop.sock')
  vim.api.nvim_buf_set_lines(buf, d.lnum, d.lnum + 1, false, { fixed })
  if not vim.wait(60000, function() return x001() == nil end, 50) then
    return finish('X001 did not clear within 60 s after the edit')
  end
  vim.lsp.stop_client(client)
  finish('OK')
end

local ok, err = pcall(run)
if not ok then
  finish('error: ' .. tostring(err))
end
