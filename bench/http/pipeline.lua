-- wrk script: HTTP/1.1 pipelining. Each write sends DEPTH requests back to back
-- (default 16; pass another after `--`: wrk ... -s pipeline.lua URL -- 32); wrk counts
-- every response. The path is the one in wrk's URL.
init = function(args)
   local depth = tonumber(args[1]) or 16
   local r = {}
   for i = 1, depth do
      r[i] = wrk.format(nil)
   end
   req = table.concat(r)
end

request = function()
   return req
end
