# SPDX-License-Identifier: MIT
# bash completion for tagpipe, tagpipe html, compile, train and train-entities.
_tagpipe() {
    local cur prev opts
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ ${COMP_WORDS[1]} == compile ]]; then
        opts="--output --gazetteers --models --help"
    elif [[ ${COMP_WORDS[1]} == train-entities ]]; then
        opts="--output --epochs --trainer --lr --l2 --seed --gazetteers --dump --quiet --help"
    elif [[ ${COMP_WORDS[1]} == train ]]; then
        opts="--label-field --field --one-of --weight-field --dev --output --taxonomy --epochs
              --lr --l2 --min-count --seed --average --calibrate-folds --prune --stemmer --stopwords
              --exclude --gazetteers --models --gazetteer --comment --quiet --help"
    elif [[ ${COMP_WORDS[1]} == html ]]; then
        opts="--field --offsets --title --help"
    else
        opts="--field --threads --gazetteers --gazetteer --models --image --on-error --offsets
              --min-score --min-topic-score --max-topics --unbuffered --explain-topics
              --list-gazetteers --max-line-bytes --max-entities --line-offset --replace --entity-members
              --progress --no-progress --stats --max-messages --hand-typing --version --help"
    fi
    case $prev in
    --on-error) COMPREPLY=($(compgen -W "pass skip fail" -- "$cur")); return ;;
    --entity-members)
        COMPREPLY=($(compgen -W "text type start end field name id source country score holder
            offices" -- "${cur##*,}"))
        return ;;
    --offsets) COMPREPLY=($(compgen -W "codepoint byte utf16" -- "$cur")); return ;;
    --gazetteers | --models) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --gazetteer | -g | --dev | --output | -o | --taxonomy | --stopwords | --image)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --field | -f | --threads | -j | --min-score | --min-topic-score | --max-topics | \
        --label-field | -l | --weight-field | --epochs | --lr | --l2 | --min-count | --seed | \
        --average | --calibrate-folds | --prune | --stemmer | --exclude | --comment | --title | \
        --max-line-bytes | --max-entities | --line-offset | --max-messages)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "html compile train train-entities" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _tagpipe tagpipe
